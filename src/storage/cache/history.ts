/**
 * The bounded history of committed events, kept as JSON text: what watches resume from and what snapshot
 * lists at an older resourceVersion are rebuilt from. Bounded by count *and* bytes, because a count alone
 * lets a few hundred updates of a 3 MB object fill the heap; the oldest events go first, and the
 * resourceVersion up to which they went is the compaction point (older requests get 410 Expired).
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { StorageEvent, WatchEventType } from '../interfaces.js';

export interface HistoryEntry {
  type: WatchEventType;
  key: string;
  resourceVersion: number;
  /** The object after the change (for DELETED, the last state with the delete's resourceVersion). */
  json: string;
  /** The object before the change (MODIFIED, DELETED). */
  prevJson?: string;
  /** What the entry costs in memory, when known without reading its bodies (an entry read back from disk). */
  readonly size?: number;
}

export interface HistoryBounds {
  maxEvents: number;
  maxBytes: number;
}

/** What an entry costs in memory, near enough: its text plus a fixed overhead for the record. */
export function entryBytes(e: HistoryEntry): number {
  if (e.size !== undefined) return e.size;
  return e.json.length + (e.prevJson?.length ?? 0) + e.key.length + 64;
}

export function toStorageEvent(e: HistoryEntry): StorageEvent {
  const ev: StorageEvent = { type: e.type, key: e.key, resourceVersion: e.resourceVersion, object: JSON.parse(e.json) as KubeObject };
  if (e.prevJson !== undefined) ev.prevObject = JSON.parse(e.prevJson) as KubeObject;
  return ev;
}

export class EventHistory {
  private entries: HistoryEntry[] = [];
  private bytes = 0;

  constructor(
    private readonly bounds: HistoryBounds,
    private compactedRv = 0,
  ) {}

  /** The resourceVersion up to which events were dropped. */
  get compacted(): number {
    return this.compactedRv;
  }

  get size(): number {
    return this.entries.length;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /**
   * Which entries must go if `incoming` were appended: the oldest first, the incoming ones too if they alone
   * break the bounds. Nothing changes until `apply`.
   */
  planEviction(incoming: HistoryEntry[]): HistoryEntry[] {
    let count = this.entries.length + incoming.length;
    let bytes = this.bytes + incoming.reduce((n, e) => n + entryBytes(e), 0);
    const dropped: HistoryEntry[] = [];
    const all = (i: number): HistoryEntry | undefined => (i < this.entries.length ? this.entries[i] : incoming[i - this.entries.length]);
    for (let i = 0; count > this.bounds.maxEvents || bytes > this.bounds.maxBytes; i++) {
      const e = all(i);
      if (!e) break;
      dropped.push(e);
      count--;
      bytes -= entryBytes(e);
    }
    return dropped;
  }

  /** Appends committed entries and drops what `planEviction` chose for them. */
  apply(incoming: HistoryEntry[], dropped: HistoryEntry[]): void {
    for (const e of incoming) {
      this.entries.push(e);
      this.bytes += entryBytes(e);
    }
    if (dropped.length === 0) return;
    const gone = this.entries.splice(0, dropped.length);
    for (const e of gone) this.bytes -= entryBytes(e);
    this.compactedRv = (gone.at(-1) as HistoryEntry).resourceVersion;
  }

  /** Entries strictly after `rv`, oldest first. */
  since(rv: number): HistoryEntry[] {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as HistoryEntry).resourceVersion <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo);
  }

  /**
   * The objects under `prefix` that differ at resourceVersion `at` from now: every retained event newer than
   * `at` undone, newest first. null marks a key that did not exist then.
   */
  overrides(prefix: string, at: number): Map<string, string | null> {
    const view = new Map<string, string | null>();
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i] as HistoryEntry;
      if (e.resourceVersion <= at) break;
      if (!e.key.startsWith(prefix)) continue;
      view.set(e.key, e.type === 'ADDED' ? null : (e.prevJson ?? null));
    }
    return view;
  }
}
