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

/** A list at `opts.resourceVersion`, or at `current` (everything the cache holds) when unset. */
export function listFromCache(
  index: ObjectIndex,
  history: EventHistory,
  current: number,
  prefix: string,
  opts: ListOptions,
): Promise<ListResult> {
  const at = opts.resourceVersion ?? current;
  if (at >= current) return listSnapshot(index, prefix, at, undefined, opts);
  if (at < history.compacted) throw expired(prefix, at, history.compacted);
  return listSnapshot(index, prefix, at, history.overrides(prefix, at), opts);
}

export function watchFromCache(history: EventHistory, hub: WatchHub, prefix: string, opts: WatchOptions): Watch {
  if (opts.resourceVersion < history.compacted) throw expired(prefix, opts.resourceVersion, history.compacted);
  const watch = new BufferedWatch(prefix, opts.predicate, () => hub.remove(watch), opts.resourceVersion);
  for (const e of history.since(opts.resourceVersion)) {
    if (e.key.startsWith(prefix)) watch.offer(toStorageEvent(e), entryBytes(e));
  }
  hub.add(watch);
  opts.signal?.addEventListener('abort', () => watch.stop(), { once: true });
  return watch;
}
