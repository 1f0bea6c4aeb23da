/**
 * The bounded history of committed events: what watches resume from and what snapshot lists at an older
 * resourceVersion are rebuilt from. Bounded by count *and* bytes, because a count alone lets a few hundred
 * updates of a 3 MB object fill the heap; the oldest events go first, and the resourceVersion up to which they
 * went is the compaction point (older requests get 410 Expired).
 *
 * A backend that keeps its events on disk too (LevelDB) gives a `ColdStore`: then only the newest `hotBytes`
 * of events keep their JSON text in memory, and older ones only what they are (type, key, resourceVersion),
 * their bodies read back when a watch or a list reaches that far back. Live watches never read the history,
 * and a resumed watch usually starts near the present: 10,000 events of 1 KB were 13.6 MiB of heap.
 */
import { parseObject } from '../../apimachinery/parse-object.js';
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

/** An event whose bodies are on disk only. */
export interface ColdEntry {
  readonly cold: true;
  type: WatchEventType;
  key: string;
  resourceVersion: number;
  readonly size: number;
}

/** A place in the history: an event with its bodies, or one whose bodies are on disk. */
export type HistorySlot = HistoryEntry | ColdEntry;

/** Where a backend's events are kept besides memory, and how much of the newest text memory keeps. */
export interface ColdStore {
  hotBytes: number;
  /** The stored events of these resourceVersions; one that is gone (compacted) is left out. */
  read(resourceVersions: number[]): Promise<Map<number, HistoryEntry>>;
}

export const isCold = (s: HistorySlot): s is ColdEntry => (s as Partial<ColdEntry>).cold === true;

export interface HistoryBounds {
  maxEvents: number;
  maxBytes: number;
}

/** What an entry costs in memory, near enough: its text plus a fixed overhead for the record. */
export function entryBytes(e: HistorySlot): number {
  if (isCold(e)) return e.size;
  if (e.size !== undefined) return e.size;
  return e.json.length + (e.prevJson?.length ?? 0) + e.key.length + 64;
}

export function toStorageEvent(e: HistoryEntry): StorageEvent {
  const ev: StorageEvent = { type: e.type, key: e.key, resourceVersion: e.resourceVersion, object: parseObject(e.json) };
  if (e.prevJson !== undefined) ev.prevObject = parseObject(e.prevJson);
  return ev;
}

export class EventHistory {
  private entries: HistorySlot[] = [];
  private bytes = 0;
  /** Where the entries that keep their text start, and what that text costs. */
  private firstHot = 0;
  private hotBytes = 0;

  constructor(
    private readonly bounds: HistoryBounds,
    private compactedRv = 0,
    private readonly coldStore?: ColdStore,
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
  planEviction(incoming: HistorySlot[]): HistorySlot[] {
    let count = this.entries.length + incoming.length;
    let bytes = this.bytes + incoming.reduce((n, e) => n + entryBytes(e), 0);
    const dropped: HistorySlot[] = [];
    const all = (i: number): HistorySlot | undefined => (i < this.entries.length ? this.entries[i] : incoming[i - this.entries.length]);
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
  apply(incoming: HistorySlot[], dropped: HistorySlot[]): void {
    for (const e of incoming) {
      this.entries.push(e);
      this.bytes += entryBytes(e);
      if (isCold(e)) this.firstHot = this.entries.length;
      else this.hotBytes += entryBytes(e);
    }
    if (dropped.length > 0) {
      const gone = this.entries.splice(0, dropped.length);
      for (let i = 0; i < gone.length; i++) {
        const size = entryBytes(gone[i] as HistorySlot);
        this.bytes -= size;
        if (i >= this.firstHot) this.hotBytes -= size;
      }
      this.firstHot = Math.max(0, this.firstHot - gone.length);
      this.compactedRv = (gone.at(-1) as HistorySlot).resourceVersion;
    }
    this.cool();
  }

  /**
   * The entries under `prefix` strictly after `rv`, oldest first; undefined when one of them is cold and not in
   * `bodies`.
   */
  since(rv: number, prefix: string, bodies?: Map<number, HistoryEntry>): HistoryEntry[] | undefined {
    const out: HistoryEntry[] = [];
    for (let i = this.after(rv); i < this.entries.length; i++) {
      const e = this.entries[i] as HistorySlot;
      if (!e.key.startsWith(prefix)) continue;
      const entry = isCold(e) ? bodies?.get(e.resourceVersion) : e;
      if (!entry) return undefined;
      out.push(entry);
    }
    return out;
  }

  /**
   * The bodies of the cold entries after `rv` under `prefix`, read back from disk: what `since` and
   * `overrides` need, given in the same turn as they are called (a store that moved on meanwhile may have
   * cooled more: they then say so, and the caller reads again).
   */
  async readCold(rv: number, prefix: string): Promise<Map<number, HistoryEntry>> {
    const wanted: number[] = [];
    for (let i = this.after(rv); i < this.firstHot && i < this.entries.length; i++) {
      const e = this.entries[i] as HistorySlot;
      if (isCold(e) && e.key.startsWith(prefix)) wanted.push(e.resourceVersion);
    }
    if (wanted.length === 0 || !this.coldStore) return new Map();
    return this.coldStore.read(wanted);
  }

  /**
   * The objects under `prefix` that differ at resourceVersion `at` from now: every retained event newer than
   * `at` undone, newest first. null marks a key that did not exist then. Undefined when an entry it needs is
   * cold and not in `bodies`.
   */
  overrides(prefix: string, at: number, bodies?: Map<number, HistoryEntry>): Map<string, string | null> | undefined {
    const view = new Map<string, string | null>();
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i] as HistorySlot;
      if (e.resourceVersion <= at) break;
      if (!e.key.startsWith(prefix)) continue;
      if (e.type === 'ADDED') {
        view.set(e.key, null);
        continue;
      }
      const entry = isCold(e) ? bodies?.get(e.resourceVersion) : e;
      if (!entry) return undefined;
      view.set(e.key, entry.prevJson ?? null);
    }
    return view;
  }

  /** The index of the first entry newer than `rv`. */
  private after(rv: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as HistorySlot).resourceVersion <= rv) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Lets the oldest text go, down to `hotBytes`, when the events are on disk too. */
  private cool(): void {
    if (!this.coldStore) return;
    while (this.hotBytes > this.coldStore.hotBytes && this.firstHot < this.entries.length) {
      const e = this.entries[this.firstHot] as HistoryEntry;
      const size = entryBytes(e);
      this.entries[this.firstHot] = { cold: true, type: e.type, key: e.key, resourceVersion: e.resourceVersion, size };
      this.hotBytes -= size;
      this.firstHot++;
    }
  }
}
