/**
 * The LevelDB storage backend.
 *
 * On disk (one LevelDB under the given path):
 *   `o/<key>`        the object, JSON, with metadata.resourceVersion set
 *   `e/<rv:016>`     the watch event of resourceVersion rv: {type, key, object, prevObject}
 *   `m/rv`           the newest resourceVersion
 *   `m/compacted`    the resourceVersion up to which events were compacted away
 * A write puts its object (or deletes it), its event and the new `m/rv` in one atomic batch, so a crash never
 * leaves an object without its event or a reused resourceVersion.
 *
 * Durability: batches are written with `sync: true`: nothing is acknowledged before it is on disk. Synced
 * single writes cap at about 2,500-3,000/s on our machines, so writes that arrive while a batch is syncing
 * share the next batch (group commit) and are each answered once their batch is on disk.
 *
 * Memory for speed: every current object is kept in memory as its JSON text (about its size on disk), so get
 * and list never touch LevelDB; the event history (bounded by count and bytes) is kept in memory too, as
 * text, for watches and for snapshot lists at an older resourceVersion.
 */
import { Level } from 'level';
import type { KubeObject } from '../../apimachinery/types.js';
import {
  type DeletePrecondition, type ListOptions, type ListResult, type Storage, StorageError, type StorageEvent,
  type UpdateFunction, type Watch, type WatchOptions,
} from '../interfaces.js';
import { entryBytes, EventHistory, type HistoryEntry, toStorageEvent } from './history.js';
import { KeyLocks } from './key-locks.js';
import { SortedKeys } from './sorted-keys.js';
import { LevelWatch, WatchHub } from './watch-hub.js';

export interface LevelStorageOptions {
  path: string;
  /** How many events are kept for watches and snapshot lists (default 10,000). */
  historySize?: number;
  /** How many bytes of events are kept, whatever their count (default 64 MiB). */
  historyBytes?: number;
}

export const DEFAULT_HISTORY_SIZE = 10_000;
export const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024;

const OBJECT = 'o/';
const EVENT = 'e/';
const META_RV = 'm/rv';
const META_COMPACTED = 'm/compacted';

const eventKey = (rv: number): string => `${EVENT}${String(rv).padStart(16, '0')}`;

interface Committed {
  json: string;
  rv: number;
}

type BatchOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

interface PendingBatch {
  ops: BatchOp[];
  /** What watches are sent once the batch is on disk. */
  events: StorageEvent[];
  /** The same events as the history keeps them. */
  entries: HistoryEntry[];
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class LevelStorage implements Storage {
  private readonly db: Level<string, string>;
  /** What readers see: only what is on disk. */
  private readonly objects = new Map<string, Committed>();
  private readonly keys = new SortedKeys();
  /** Writes enqueued but not yet on disk: what the next writer of a key must build on. */
  private readonly pending = new Map<string, Committed | null>();
  private history: EventHistory;
  private readonly locks = new KeyLocks();
  private readonly hub = new WatchHub();
  private committedRv = 0;
  private assignedRv = 0;
  private batch: PendingBatch | undefined;
  /** Readers waiting for a resourceVersion this store has not reached yet. */
  private readonly rvWaiters = new Set<{ rv: number; resolve: (reached: boolean) => void }>();
  private flushing: Promise<void> | undefined;
  private state: 'new' | 'open' | 'closed' | 'failed' = 'new';
  private failure: unknown;

  constructor(private readonly options: LevelStorageOptions) {
    this.db = new Level<string, string>(options.path, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    this.history = new EventHistory(this.bounds());
  }

  private bounds(): { maxEvents: number; maxBytes: number } {
    return { maxEvents: this.options.historySize ?? DEFAULT_HISTORY_SIZE, maxBytes: this.options.historyBytes ?? DEFAULT_HISTORY_BYTES };
  }

  async open(): Promise<void> {
    try {
      await this.db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new StorageError('Unavailable', '', `data directory ${this.options.path} is in use by another process (LevelDB lock held)`);
      }
      throw err;
    }
    this.committedRv = Number((await this.db.get(META_RV)) ?? 0);
    this.assignedRv = this.committedRv;
    for await (const [k, json] of this.db.iterator({ gte: OBJECT, lt: `${OBJECT}\uffff` })) {
      const key = k.slice(OBJECT.length);
      this.objects.set(key, { json, rv: rvOf(json) });
      this.keys.add(key);
    }
    await this.loadHistory(Number((await this.db.get(META_COMPACTED)) ?? 0));
    this.state = 'open';
  }

  /**
   * Loads the newest events that fit the bounds, newest first, so a history written under larger bounds (or
   * before they counted bytes) never costs more than the bounds at start-up; the rest is compacted on disk.
   */
  private async loadHistory(compacted: number): Promise<void> {
    const bounds = this.bounds();
    const kept: HistoryEntry[] = [];
    let bytes = 0;
    let cut: number | undefined;
    for await (const [k, record] of this.db.iterator({ gte: EVENT, lt: `${EVENT}\uffff`, reverse: true })) {
      const rv = Number(k.slice(EVENT.length));
      // At or below the compaction point: what an interrupted compaction left behind.
      if (rv <= compacted || kept.length + 1 > bounds.maxEvents || bytes + record.length > bounds.maxBytes) {
        cut = rv;
        break;
      }
      kept.push(historyEntryOf(JSON.parse(record) as StorageEvent));
      bytes += record.length;
    }
    if (cut !== undefined) {
      compacted = Math.max(compacted, cut);
      await this.db.put(META_COMPACTED, String(compacted), { sync: true });
      await this.db.clear({ gte: EVENT, lte: eventKey(cut) });
    }
    this.history = new EventHistory(bounds, compacted);
    this.history.apply(kept.reverse(), []);
  }

  async close(): Promise<void> {
    if (this.state !== 'open') return;
    await this.flushing;
    this.state = 'closed';
    this.hub.endAll();
    await this.db.close();
  }

  currentResourceVersion(): number {
    return this.committedRv;
  }

  oldestResourceVersion(): number {
    return this.history.compacted;
  }

  waitForResourceVersion(resourceVersion: number, timeoutMs: number): Promise<boolean> {
    if (resourceVersion <= this.committedRv) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        rv: resourceVersion,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          this.rvWaiters.delete(waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      this.rvWaiters.add(waiter);
    });
  }

  /** Why the store cannot serve, or undefined when it can: a failed write leaves it failed until a restart. */
  health(): string | undefined {
    if (this.state === 'failed') return `storage write failed: ${String(this.failure)}`;
    if (this.state !== 'open') return 'storage is not open';
    return undefined;
  }

  async get(key: string): Promise<KubeObject> {
    this.checkOpen(key);
    const found = this.objects.get(key);
    if (!found) throw new StorageError('NotFound', key, `key not found: ${key}`);
    return JSON.parse(found.json) as KubeObject;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen(prefix);
    const at = opts.resourceVersion ?? this.committedRv;
    const view = at >= this.committedRv ? undefined : this.snapshotOverrides(prefix, at);
    const candidates = view ? mergeSorted(this.keys.range(prefix, opts.startAfter), [...view.keys()].filter((k) => k.startsWith(prefix) && (opts.startAfter === undefined || k > opts.startAfter)).sort()) : this.keys.range(prefix, opts.startAfter);
    const items: KubeObject[] = [];
    const raw = opts.raw && !opts.predicate ? [] as string[] : undefined;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    let lastKey: string | undefined;
    let count = 0;
    let i = 0;
    for (; i < candidates.length && count < limit; i++) {
      const key = candidates[i] as string;
      const json = view?.has(key) ? view.get(key) : this.objects.get(key)?.json;
      if (json === undefined || json === null) continue;
      if (raw) {
        raw.push(json);
      } else {
        const obj = JSON.parse(json) as KubeObject;
        if (opts.predicate && !opts.predicate(obj)) continue;
        items.push(obj);
      }
      count++;
      lastKey = key;
    }
    const more = i < candidates.length && hasMore(candidates, i, view, this.objects, opts.predicate);
    const result: ListResult = { items, resourceVersion: at, ...(raw ? { rawItems: raw } : {}) };
    if (more && lastKey !== undefined) {
      result.lastKey = lastKey;
      if (!opts.predicate) result.remainingItemCount = countRemaining(candidates, i, view, this.objects);
    }
    return result;
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    return this.locks.run(key, async () => {
      this.checkOpen(key);
      if (this.latest(key)) throw new StorageError('AlreadyExists', key, `key exists: ${key}`);
      return this.write(key, 'ADDED', obj, undefined);
    });
  }

  async update(key: string, tryUpdate: UpdateFunction): Promise<KubeObject> {
    return this.locks.run(key, async () => {
      this.checkOpen(key);
      const cur = this.latest(key);
      if (!cur) throw new StorageError('NotFound', key, `key not found: ${key}`);
      const current = JSON.parse(cur.json) as KubeObject;
      const next = await tryUpdate(JSON.parse(cur.json) as KubeObject);
      const candidate = structuredClone(next);
      candidate.metadata.resourceVersion = current.metadata.resourceVersion;
      // A no-op update writes nothing and keeps its resourceVersion, as kube-apiserver does.
      if (JSON.stringify(candidate) === cur.json) return current;
      return this.write(key, 'MODIFIED', next, current, cur.json);
    });
  }

  async delete(key: string, precondition?: DeletePrecondition): Promise<KubeObject> {
    return this.locks.run(key, async () => {
      this.checkOpen(key);
      const cur = this.latest(key);
      if (!cur) throw new StorageError('NotFound', key, `key not found: ${key}`);
      const current = JSON.parse(cur.json) as KubeObject;
      precondition?.(JSON.parse(cur.json) as KubeObject);
      return this.write(key, 'DELETED', current, current, cur.json);
    });
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    this.checkOpen(prefix);
    const compacted = this.history.compacted;
    if (opts.resourceVersion < compacted) {
      throw new StorageError('Expired', prefix, `too old resource version: ${opts.resourceVersion} (${compacted})`, compacted);
    }
    const watch = new LevelWatch(prefix, opts.predicate, () => this.hub.remove(watch));
    for (const e of this.history.since(opts.resourceVersion)) {
      if (e.key.startsWith(prefix)) watch.offer(toStorageEvent(e), entryBytes(e));
    }
    this.hub.add(watch);
    return watch;
  }

  private checkOpen(key: string): void {
    if (this.state === 'failed') throw new StorageError('Unavailable', key, `storage failed: ${String(this.failure)}`);
    if (this.state !== 'open') throw new StorageError('Unavailable', key, 'storage is not open');
  }

  private latest(key: string): Committed | undefined {
    const p = this.pending.get(key);
    if (p !== undefined) return p ?? undefined;
    return this.objects.get(key);
  }

  /** Assigns the next resourceVersion, enqueues the write with its event, and resolves once it is on disk. */
  private async write(key: string, type: StorageEvent['type'], obj: KubeObject, prev?: KubeObject, prevJson?: string): Promise<KubeObject> {
    const rv = ++this.assignedRv;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(rv);
    const json = JSON.stringify(stored);
    const event: StorageEvent = { type, key, object: stored, resourceVersion: rv, ...(prev ? { prevObject: prev } : {}) };
    const entry: HistoryEntry = { type, key, resourceVersion: rv, json, ...(prevJson !== undefined ? { prevJson } : {}) };
    const batch = this.currentBatch();
    if (type === 'DELETED') {
      batch.ops.push({ type: 'del', key: OBJECT + key });
      this.pending.set(key, null);
    } else {
      batch.ops.push({ type: 'put', key: OBJECT + key, value: json });
      this.pending.set(key, { json, rv });
    }
    batch.ops.push({ type: 'put', key: eventKey(rv), value: eventRecord(entry) });
    batch.events.push(event);
    batch.entries.push(entry);
    this.scheduleFlush();
    await batch.done;
    return JSON.parse(json) as KubeObject;
  }

  private currentBatch(): PendingBatch {
    if (!this.batch) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const done = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
      done.catch(() => {});
      this.batch = { ops: [], events: [], entries: [], done, resolve, reject };
    }
    return this.batch;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => { this.flushing = undefined; });
  }

  /** Group commit: one synced batch at a time; writes arriving meanwhile wait for the next. */
  private async flushLoop(): Promise<void> {
    // Let the writes of this tick join the batch.
    await new Promise((r) => setImmediate(r));
    while (this.batch) {
      const batch = this.batch;
      this.batch = undefined;
      const last = batch.events.at(-1) as StorageEvent;
      batch.ops.push({ type: 'put', key: META_RV, value: String(last.resourceVersion) });
      const dropped = this.history.planEviction(batch.entries);
      if (dropped.length > 0) {
        batch.ops.push(...dropped.map((e) => ({ type: 'del' as const, key: eventKey(e.resourceVersion) })));
        batch.ops.push({ type: 'put', key: META_COMPACTED, value: String((dropped.at(-1) as HistoryEntry).resourceVersion) });
      }
      try {
        await this.db.batch(batch.ops, { sync: true });
      } catch (err) {
        this.state = 'failed';
        this.failure = err;
        const failed = new StorageError('Unavailable', '', `storage write failed: ${String(err)}`);
        batch.reject(failed);
        // Writes queued behind a failed batch were computed on state that never reached disk.
        (this.batch as PendingBatch | undefined)?.reject(failed);
        this.batch = undefined;
        return;
      }
      this.commit(batch.events, batch.entries);
      this.history.apply(batch.entries, dropped);
      batch.resolve();
    }
  }

  private commit(events: StorageEvent[], entries: HistoryEntry[]): void {
    events.forEach((ev, i) => {
      if (ev.type === 'DELETED') {
        this.objects.delete(ev.key);
        this.keys.delete(ev.key);
      } else {
        if (!this.objects.has(ev.key)) this.keys.add(ev.key);
        this.objects.set(ev.key, { json: (entries[i] as HistoryEntry).json, rv: ev.resourceVersion });
      }
      const p = this.pending.get(ev.key);
      if (p !== undefined && (p === null ? ev.type === 'DELETED' : p.rv === ev.resourceVersion)) this.pending.delete(ev.key);
      this.committedRv = ev.resourceVersion;
    });
    this.hub.publish(events, entries.map(entryBytes));
    for (const w of this.rvWaiters) if (w.rv <= this.committedRv) w.resolve(true);
  }

  /** The objects under `prefix` as they were at resourceVersion `at`, where they differ from now. */
  private snapshotOverrides(prefix: string, at: number): Map<string, string | null> {
    const compacted = this.history.compacted;
    if (at < compacted) {
      throw new StorageError('Expired', prefix, `too old resource version: ${at} (${compacted})`, compacted);
    }
    return this.history.overrides(prefix, at);
  }
}

/** The event as stored on disk (the format of the first release, which open() still reads). */
function eventRecord(e: HistoryEntry): string {
  const prev = e.prevJson === undefined ? '' : `,"prevObject":${e.prevJson}`;
  return `{"type":${JSON.stringify(e.type)},"key":${JSON.stringify(e.key)},"object":${e.json}${prev},"resourceVersion":${e.resourceVersion}}`;
}

function historyEntryOf(ev: StorageEvent): HistoryEntry {
  const entry: HistoryEntry = { type: ev.type, key: ev.key, resourceVersion: ev.resourceVersion, json: JSON.stringify(ev.object) };
  if (ev.prevObject) entry.prevJson = JSON.stringify(ev.prevObject);
  return entry;
}

function rvOf(json: string): number {
  const obj = JSON.parse(json) as KubeObject;
  return Number(obj.metadata.resourceVersion ?? 0);
}

/** Merges two sorted key lists without duplicates. */
function mergeSorted(a: string[], b: string[]): string[] {
  if (b.length === 0) return a;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) { out.push(x as string); i++; }
    else if (x === undefined || y < x) { out.push(y); j++; }
    else { out.push(x); i++; j++; }
  }
  return out;
}

function valueAt(key: string, view: Map<string, string | null> | undefined, objects: Map<string, Committed>): string | undefined {
  if (view?.has(key)) return view.get(key) ?? undefined;
  return objects.get(key)?.json;
}

function hasMore(keys: string[], from: number, view: Map<string, string | null> | undefined,
  objects: Map<string, Committed>, predicate: ((o: KubeObject) => boolean) | undefined): boolean {
  for (let i = from; i < keys.length; i++) {
    const json = valueAt(keys[i] as string, view, objects);
    if (json === undefined) continue;
    if (!predicate || predicate(JSON.parse(json) as KubeObject)) return true;
  }
  return false;
}

function countRemaining(keys: string[], from: number, view: Map<string, string | null> | undefined, objects: Map<string, Committed>): number {
  let n = 0;
  for (let i = from; i < keys.length; i++) if (valueAt(keys[i] as string, view, objects) !== undefined) n++;
  return n;
}
