/**
 * The current objects, in memory as their stored JSON text, with their keys in order for lists by prefix:
 * what readers see is only what is on disk. Writes enqueued but not yet synced are kept apart (`pending`),
 * since the next writer of a key must build on them.
 */
import type { HistoryEntry } from './history.js';
import { SortedKeys } from './sorted-keys.js';

export interface Committed {
  json: string;
  rv: number;
}

export class ObjectIndex {
  private readonly objects = new Map<string, Committed>();
  private readonly keys = new SortedKeys();
  private readonly pending = new Map<string, Committed | null>();

  /** Loads one object at start-up. */
  load(key: string, value: Committed): void {
    this.objects.set(key, value);
    this.keys.add(key);
  }

  /** What is on disk for `key`. */
  get(key: string): Committed | undefined {
    return this.objects.get(key);
  }

  /** What the next write of `key` builds on: its pending write if any, else what is on disk. */
  latest(key: string): Committed | undefined {
    const p = this.pending.get(key);
    if (p !== undefined) return p ?? undefined;
    return this.objects.get(key);
  }

  /** Records a write that is enqueued but not yet on disk (null: a delete). */
  enqueue(key: string, value: Committed | null): void {
    this.pending.set(key, value);
  }

  /** Keys starting with `prefix`, strictly after `startAfter`, in order. */
  range(prefix: string, startAfter?: string): string[] {
    return this.keys.range(prefix, startAfter);
  }

  /** Makes committed writes visible, and forgets each one's pending state unless a later write replaced it. */
  commit(entries: HistoryEntry[]): void {
    for (const e of entries) {
      if (e.type === 'DELETED') {
        this.objects.delete(e.key);
        this.keys.delete(e.key);
      } else {
        if (!this.objects.has(e.key)) this.keys.add(e.key);
        this.objects.set(e.key, { json: e.json, rv: e.resourceVersion });
      }
      const p = this.pending.get(e.key);
      if (p !== undefined && (p === null ? e.type === 'DELETED' : p.rv === e.resourceVersion)) this.pending.delete(e.key);
    }
  }
}
