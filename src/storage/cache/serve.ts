/**
 * Reads served from the in-memory cache, the same for every backend: a list at the current state or, at an
 * older resourceVersion, with the newer events undone; a watch that replays the history after its
 * resourceVersion and then follows the fan-out. Older than the history: 'Expired'.
 */
import { type ListOptions, type ListResult, StorageError, type Watch, type WatchOptions } from '../interfaces.js';
import { BufferedWatch, type WatchHub } from '../watchers.js';
import { entryBytes, type EventHistory, type HistoryEntry, toStorageEvent } from './history.js';
import type { ObjectIndex } from './object-index.js';
import { listSnapshot } from './snapshot-list.js';

function expired(key: string, requested: number, compacted: number): StorageError {
  return new StorageError('Expired', key, `too old resource version: ${requested} (${compacted})`, compacted);
}

/** How often a read of cold history is tried again when the store cooled or compacted what it read meanwhile. */
const COLD_READS = 5;

/**
 * `use`'s answer from the history at `rv` under `prefix`, with the cold events it needs read from disk first.
 * `history` is asked again after the read (the store may have replaced it meanwhile: a restore), and from
 * there `use` runs in the same turn. Older than the history: Expired; so is a read the store keeps cooling
 * or compacting under (`use` says undefined: an event it needs was not read).
 */
async function fromHistory<T>(
  history: () => EventHistory,
  rv: number,
  prefix: string,
  use: (h: EventHistory, bodies: Map<number, HistoryEntry>) => T | undefined,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const bodies = await history().readCold(rv, prefix);
    const h = history();
    if (rv < h.compacted) throw expired(prefix, rv, h.compacted);
    const answer = use(h, bodies);
    if (answer !== undefined) return answer;
    if (attempt === COLD_READS) throw expired(prefix, rv, h.compacted);
  }
}

/** A list at `opts.resourceVersion`, or at `current` (everything the cache holds) when unset. */
export async function listFromCache(
  index: ObjectIndex,
  history: () => EventHistory,
  current: number,
  prefix: string,
  opts: ListOptions,
): Promise<ListResult> {
  const at = opts.resourceVersion ?? current;
  if (at >= current) return listSnapshot(index, prefix, at, undefined, opts);
  // From the overrides to listSnapshot's first await is one turn: the index and the history agree.
  return fromHistory(history, at, prefix, (h, bodies) => {
    const overrides = h.overrides(prefix, at, bodies);
    return overrides && listSnapshot(index, prefix, at, overrides, opts);
  });
}

export async function watchFromCache(history: () => EventHistory, hub: WatchHub, prefix: string, opts: WatchOptions): Promise<Watch> {
  // The replay and joining the fan-out happen in one turn: no event falls between them.
  return fromHistory(history, opts.resourceVersion, prefix, (h, bodies) => {
    const replay = h.since(opts.resourceVersion, prefix, bodies);
    if (!replay) return undefined;
    const watch = new BufferedWatch(prefix, opts.predicate, () => hub.remove(watch), opts.resourceVersion);
    for (const e of replay) watch.offer(toStorageEvent(e), entryBytes(e));
    hub.add(watch);
    opts.signal?.addEventListener('abort', () => watch.stop(), { once: true });
    return watch;
  });
}
