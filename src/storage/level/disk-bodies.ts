/**
 * The bodies of the LevelDB store: on disk, with the recently written and read ones in a byte-bounded LRU
 * cache, so a million objects cost their keys in memory and not their JSON. Lists read what the cache misses
 * through a LevelDB snapshot, consistent with the index they were selected from.
 */
import type { Level } from 'level';
import { LRUCache } from 'lru-cache';
import type { Bodies, BodySnapshot } from '../cache/object-index.js';
import { OBJECT } from './layout.js';

/** What a cached body costs, near enough: its text, its key and the entry's bookkeeping. */
const ENTRY_OVERHEAD = 96;

interface Cached {
  rv: number;
  json: string;
}

export class DiskBodies implements Bodies {
  private readonly cache: LRUCache<string, Cached>;

  constructor(
    private readonly db: Level<string, string>,
    maxBytes: number,
  ) {
    this.cache = new LRUCache<string, Cached>({
      maxSize: Math.max(1, maxBytes),
      sizeCalculation: (v, k) => v.json.length + k.length + ENTRY_OVERHEAD,
    });
  }

  /** How many bytes of bodies the cache holds. */
  get cachedBytes(): number {
    return this.cache.calculatedSize;
  }

  peek(key: string, rv: number, touch: boolean): string | undefined {
    const c = touch ? this.cache.get(key) : this.cache.peek(key);
    return c?.rv === rv ? c.json : undefined;
  }

  remember(key: string, rv: number, json: string): void {
    // A body larger than the whole cache is not kept (lru-cache refuses it), nor evicts everything else.
    if (json.length + key.length + ENTRY_OVERHEAD <= this.cache.maxSize) this.cache.set(key, { rv, json });
    else this.cache.delete(key);
  }

  forget(key: string): void {
    this.cache.delete(key);
  }

  snapshot(): BodySnapshot {
    const snapshot = this.db.snapshot();
    let closed = false;
    return {
      // What a list reads is not kept: a full list would fill the cache with a collection's tail (raising the
      // memory it holds at rest by the whole bound) and push out what gets and writes made hot.
      read: (keys) =>
        this.db.getMany(
          keys.map((k) => OBJECT + k),
          { snapshot },
        ),
      close: () => {
        if (closed) return;
        closed = true;
        snapshot.close().catch(() => {});
      },
    };
  }
}
