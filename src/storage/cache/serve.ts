/**
 * Reads served from the in-memory cache, the same for every backend: a list at the current state or, at an
 * older resourceVersion, with the newer events undone; a watch that replays the history after its
 * resourceVersion and then follows the fan-out. Older than the history: 'Expired'.
 */
import { type ListOptions, type ListResult, StorageError, type Watch, type WatchOptions } from '../interfaces.js';
import { BufferedWatch, type WatchHub } from '../watchers.js';
import { entryBytes, type EventHistory, toStorageEvent } from './history.js';
import type { ObjectIndex } from './object-index.js';
import { listSnapshot } from './snapshot-list.js';

function expired(key: string, requested: number, compacted: number): StorageError {
  return new StorageError('Expired', key, `too old resource version: ${requested} (${compacted})`, compacted);
}

/** How often a read of cold history is tried again when the store cooled or compacted what it read meanwhile. */
const COLD_READS = 5;

/**
 * A list at `opts.resourceVersion`, or at `current` (everything the cache holds) when unset. `history` is
 * asked again after reading cold events from disk: the store may have replaced it meanwhile (a restore).
 */
export async function listFromCache(
  index: ObjectIndex,
  history: () => EventHistory,
  current: number,
  prefix: string,
  opts: ListOptions,
): Promise<ListResult> {
  const at = opts.resourceVersion ?? current;
  if (at >= current) return listSnapshot(index, prefix, at, undefined, opts);
  for (let attempt = 0; ; attempt++) {
    const bodies = await history().readCold(at, prefix);
    // From here to listSnapshot's first await is one turn: the index and the history agree.
    const h = history();
    if (at < h.compacted) throw expired(prefix, at, h.compacted);
    const overrides = h.overrides(prefix, at, bodies);
    if (overrides) return listSnapshot(index, prefix, at, overrides, opts);
    if (attempt === COLD_READS) throw expired(prefix, at, h.compacted);
  }
}

export async function watchFromCache(history: () => EventHistory, hub: WatchHub, prefix: string, opts: WatchOptions): Promise<Watch> {
  for (let attempt = 0; ; attempt++) {
    const bodies = await history().readCold(opts.resourceVersion, prefix);
    // The replay and joining the fan-out happen in one turn: no event falls between them.
    const h = history();
    if (opts.resourceVersion < h.compacted) throw expired(prefix, opts.resourceVersion, h.compacted);
    const replay = h.since(opts.resourceVersion, prefix, bodies);
    if (!replay) {
      if (attempt === COLD_READS) throw expired(prefix, opts.resourceVersion, h.compacted);
      continue;
    }
    const watch = new BufferedWatch(prefix, opts.predicate, () => hub.remove(watch), opts.resourceVersion);
    for (const e of replay) watch.offer(toStorageEvent(e), entryBytes(e));
    hub.add(watch);
    opts.signal?.addEventListener('abort', () => watch.stop(), { once: true });
    return watch;
  }
}
