/**
 * The LevelDB storage backend: one replica, one LevelDB (layout in `layout.ts`).
 *
 * Durability: a write is answered only once its batch is synced to disk (`group-commit.ts`); a write and its
 * watch event commit in one atomic batch. Memory holds every key with its resourceVersion (`object-index.ts`),
 * the bodies of recently used objects up to `objectCacheBytes` (`disk-bodies.ts`) and a bounded event history
 * (`history.ts`); the other bodies are read from LevelDB when asked for, lists through a snapshot. A list at an
 * older resourceVersion undoes the newer events (`snapshot-list.ts`).
 */
import { Level } from 'level';
import type { KubeObject } from '../../apimachinery/types.js';
import {
  type DeletePrecondition,
  type ListOptions,
  type ListResult,
  type Storage,
  StorageError,
  type StorageEvent,
  type UpdateFunction,
  type Watch,
  type WatchOptions,
} from '../interfaces.js';
import { WatchHub } from '../watchers.js';
import { type Batch, type BatchOp, GroupCommit } from './group-commit.js';
import { type ColdStore, entryBytes, EventHistory, type HistoryBounds, type HistoryEntry, type HistorySlot } from '../cache/history.js';
import { KeyLocks } from './key-locks.js';
import {
  EVENT,
  eventKey,
  coldEntryOf,
  eventRecord,
  historyEntryOf,
  INDEX,
  LAYOUT_VERSION,
  META_COMPACTED,
  META_LAYOUT,
  META_RV,
  OBJECT,
  resourceVersionOf,
} from './layout.js';
import { DiskBodies } from './disk-bodies.js';
import { ObjectIndex } from '../cache/object-index.js';
import { listFromCache, watchFromCache } from '../cache/serve.js';

export interface LevelStorageOptions {
  path: string;
  /** How many events are kept for watches and snapshot lists (default 10,000). */
  historySize?: number;
  /** How many bytes of events are kept, whatever their count (default 64 MiB). */
  historyBytes?: number;
  /** How many bytes of bodies are kept in memory (default 32 MiB). */
  objectCacheBytes?: number;
  /** How many bytes of the newest events keep their text in memory; older ones are read back (default 2 MiB). */
  historyHotBytes?: number;
}

export const DEFAULT_HISTORY_SIZE = 10_000;
export const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024;
const LEVELDB_BLOCK_CACHE_BYTES = 2 * 1024 * 1024;
export const DEFAULT_OBJECT_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * The newest events' text kept in memory: enough for watches resumed after a short break; older events are
 * read back from their `e/` records (10,000 events of 1 KB held in memory were 13.6 MiB of heap).
 */
const DEFAULT_HISTORY_HOT_BYTES = 2 * 1024 * 1024;
/** Index entries read per step at start-up. */
const LOAD_STEP = 1_000;

/** What a write carries to the commit: the event for watches and its history entry. */
interface Written {
  event: StorageEvent;
  entry: HistoryEntry;
}

/** An iterator's entries a step at a time (one call into LevelDB per step, not per entry); closed however left. */
async function* inSteps<K, V>(it: { nextv(n: number): Promise<[K, V][]>; close(): Promise<void> }): AsyncGenerator<[K, V][]> {
  try {
    for (let step = await it.nextv(LOAD_STEP); step.length > 0; step = await it.nextv(LOAD_STEP)) yield step;
  } finally {
    await it.close();
  }
}

export class LevelStorage implements Storage {
  readonly healthCheckName = 'storage';
  readonly restartHeals = true;
  private readonly db: Level<string, string>;
  private readonly index: ObjectIndex;
  private history: EventHistory;
  private readonly log: GroupCommit<Written>;
  private readonly locks = new KeyLocks();
  private readonly hub = new WatchHub();
  private committedRv = 0;
  private assignedRv = 0;
  /** Readers waiting for a resourceVersion this store has not reached yet. */
  private readonly rvWaiters = new Set<{ rv: number; resolve: (reached: boolean) => void }>();
  /** History entries a batch drops, planned when it is written and applied once it is on disk. */
  private readonly dropping = new WeakMap<Batch<Written>, HistorySlot[]>();
  private readonly coldStore: ColdStore;
  private state: 'new' | 'open' | 'closed' = 'new';

  constructor(private readonly options: LevelStorageOptions) {
    // LevelDB's own block cache is small: hot bodies are in DiskBodies' cache already, and a list reads each
    // block once, in key order (its default of 8 MiB only added to the memory a full list leaves behind).
    this.db = new Level<string, string>(options.path, { keyEncoding: 'utf8', valueEncoding: 'utf8', cacheSize: LEVELDB_BLOCK_CACHE_BYTES });
    this.index = new ObjectIndex(new DiskBodies(this.db, options.objectCacheBytes ?? DEFAULT_OBJECT_CACHE_BYTES));
    this.coldStore = { hotBytes: options.historyHotBytes ?? DEFAULT_HISTORY_HOT_BYTES, read: (rvs) => this.readEvents(rvs) };
    this.history = new EventHistory(this.bounds(), 0, this.coldStore);
    this.log = new GroupCommit<Written>(
      this.db,
      {
        prepare: (batch) => this.prepare(batch),
        committed: (batch) => this.commit(batch),
      },
      (err) => new StorageError('Unavailable', '', `storage write failed: ${String(err)}`),
    );
  }

  private bounds(): HistoryBounds {
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
    if ((await this.db.get(META_LAYOUT)) !== LAYOUT_VERSION) await this.buildIndex();
    const keys: string[] = [];
    const rvs: number[] = [];
    for await (const step of inSteps(this.db.iterator({ gte: INDEX, lt: `${INDEX}\uffff` }))) {
      // A key sliced off its `i/` entry would keep that whole string alive behind it (V8 slices share their
      // parent): 32 bytes more per object, 32 MiB at a million. A JSON round trip of each step copies the keys
      // out flat, for about 0.25 s of start-up per million.
      const unprefixed = JSON.parse(JSON.stringify(step.map(([k]) => k.slice(INDEX.length)))) as string[];
      for (let i = 0; i < step.length; i++) {
        keys.push(unprefixed[i] as string);
        rvs.push(Number((step[i] as [string, string])[1]));
      }
    }
    this.index.loadSorted(keys, rvs);
    await this.loadHistory(Number((await this.db.get(META_COMPACTED)) ?? 0));
    this.state = 'open';
  }

  /** Writes `i/` for a store of the first layout, which had none: once, reading every body. */
  private async buildIndex(): Promise<void> {
    let ops: BatchOp[] = [];
    for await (const [k, json] of this.db.iterator({ gte: OBJECT, lt: `${OBJECT}\uffff` })) {
      ops.push({ type: 'put', key: INDEX + k.slice(OBJECT.length), value: String(resourceVersionOf(json)) });
      if (ops.length >= LOAD_STEP) {
        await this.db.batch(ops);
        ops = [];
      }
    }
    ops.push({ type: 'put', key: META_LAYOUT, value: LAYOUT_VERSION });
    await this.db.batch(ops, { sync: true });
  }

  /**
   * Loads the newest events that fit the bounds, newest first, so a history written under larger bounds (or
   * before they counted bytes) never costs more than the bounds at start-up; the rest is compacted on disk.
   */
  private async loadHistory(compacted: number): Promise<void> {
    const bounds = this.bounds();
    const kept: HistorySlot[] = [];
    let bytes = 0;
    let cut: number | undefined;
    scan: for await (const step of inSteps(this.db.iterator({ gte: EVENT, lt: `${EVENT}\uffff`, reverse: true }))) {
      for (const [k, record] of step) {
        const rv = Number(k.slice(EVENT.length));
        // At or below the compaction point: what an interrupted compaction left behind.
        if (rv <= compacted || kept.length + 1 > bounds.maxEvents || bytes + record.length > bounds.maxBytes) {
          cut = rv;
          break scan;
        }
        kept.push(coldEntryOf(record));
        bytes += record.length;
      }
    }
    if (cut !== undefined) {
      compacted = Math.max(compacted, cut);
      await this.db.put(META_COMPACTED, String(compacted), { sync: true });
      await this.db.clear({ gte: EVENT, lte: eventKey(cut) });
    }
    this.history = new EventHistory(bounds, compacted, this.coldStore);
    this.history.apply(kept.reverse(), []);
  }

  /** Events read back for the history (one that a compaction deleted meanwhile is left out). */
  private async readEvents(rvs: number[]): Promise<Map<number, HistoryEntry>> {
    const records = await this.db.getMany(rvs.map(eventKey));
    const read = new Map<number, HistoryEntry>();
    for (const record of records) {
      if (record === undefined) continue;
      const entry = historyEntryOf(record);
      read.set(entry.resourceVersion, entry);
    }
    return read;
  }

  async close(): Promise<void> {
    if (this.state !== 'open') return;
    await this.log.drain();
    this.state = 'closed';
    this.hub.close();
    await this.db.close();
  }

  async currentResourceVersion(): Promise<number> {
    return this.committedRv;
  }

  async oldestResourceVersion(): Promise<number> {
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
    if (this.log.failure !== undefined) return `storage write failed: ${String(this.log.failure)}`;
    if (this.state !== 'open') return 'storage is not open';
    return undefined;
  }

  async get(key: string): Promise<KubeObject> {
    return JSON.parse(await this.getRaw(key)) as KubeObject;
  }

  async getRaw(key: string): Promise<string> {
    this.checkOpen(key);
    const found = await this.index.read(key);
    if (!found) throw new StorageError('NotFound', key, `key not found: ${key}`);
    return found.json;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen(prefix);
    opts.signal?.throwIfAborted();
    return listFromCache(this.index, () => this.history, this.committedRv, prefix, opts);
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    return this.locks.run(key, async () => {
      this.checkOpen(key);
      if (this.index.exists(key)) throw new StorageError('AlreadyExists', key, `key exists: ${key}`);
      return this.write(key, 'ADDED', obj);
    });
  }

  async update(key: string, tryUpdate: UpdateFunction): Promise<KubeObject> {
    return this.locks.run(key, async () => {
      this.checkOpen(key);
      const cur = await this.index.latest(key);
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
      const cur = await this.index.latest(key);
      if (!cur) throw new StorageError('NotFound', key, `key not found: ${key}`);
      const current = JSON.parse(cur.json) as KubeObject;
      precondition?.(JSON.parse(cur.json) as KubeObject);
      return this.write(key, 'DELETED', current, current, cur.json);
    });
  }

  async watch(prefix: string, opts: WatchOptions): Promise<Watch> {
    this.checkOpen(prefix);
    return watchFromCache(() => this.history, this.hub, prefix, opts);
  }

  async forgetHistory(): Promise<void> {
    this.checkOpen('');
    await this.log.drain();
    const compacted = this.committedRv;
    await this.db.put(META_COMPACTED, String(compacted), { sync: true });
    await this.db.clear({ gte: EVENT, lte: eventKey(compacted) });
    this.history = new EventHistory(this.bounds(), compacted, this.coldStore);
  }

  private checkOpen(key: string): void {
    const failure = this.log.failure;
    if (failure !== undefined) throw new StorageError('Unavailable', key, `storage failed: ${String(failure)}`);
    if (this.state !== 'open') throw new StorageError('Unavailable', key, 'storage is not open');
  }

  /** Assigns the next resourceVersion, enqueues the write with its event, and resolves once it is on disk. */
  private async write(key: string, type: StorageEvent['type'], obj: KubeObject, prev?: KubeObject, prevJson?: string): Promise<KubeObject> {
    const rv = ++this.assignedRv;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(rv);
    const json = JSON.stringify(stored);
    const event: StorageEvent = { type, key, object: stored, resourceVersion: rv, ...(prev ? { prevObject: prev } : {}) };
    const entry: HistoryEntry = { type, key, resourceVersion: rv, json, ...(prevJson !== undefined ? { prevJson } : {}) };
    const ops: BatchOp[] = [
      ...(type === 'DELETED'
        ? [
            { type: 'del' as const, key: OBJECT + key },
            { type: 'del' as const, key: INDEX + key },
          ]
        : [
            { type: 'put' as const, key: OBJECT + key, value: json },
            { type: 'put' as const, key: INDEX + key, value: String(rv) },
          ]),
      { type: 'put', key: eventKey(rv), value: eventRecord(entry) },
    ];
    this.index.enqueue(key, type === 'DELETED' ? null : { json, rv }, prevJson);
    await this.log.write(ops, { event, entry });
    return JSON.parse(json) as KubeObject;
  }

  /** Every batch records the newest resourceVersion and drops the events past the history's bounds. */
  private prepare(batch: Batch<Written>): void {
    const last = batch.items.at(-1) as Written;
    batch.ops.push({ type: 'put', key: META_RV, value: String(last.event.resourceVersion) });
    const dropped = this.history.planEviction(batch.items.map((w) => w.entry));
    this.dropping.set(batch, dropped);
    if (dropped.length > 0) {
      batch.ops.push(...dropped.map((e) => ({ type: 'del' as const, key: eventKey(e.resourceVersion) })));
      batch.ops.push({ type: 'put', key: META_COMPACTED, value: String((dropped.at(-1) as HistorySlot).resourceVersion) });
    }
  }

  /** A batch on disk: readers, the history and watches see it, and readers waiting for it are answered. */
  private commit(batch: Batch<Written>): void {
    const entries = batch.items.map((w) => w.entry);
    this.index.commit(entries);
    this.committedRv = (entries.at(-1) as HistoryEntry).resourceVersion;
    this.history.apply(entries, this.dropping.get(batch) ?? []);
    this.hub.publish(
      batch.items.map((w) => w.event),
      entries.map(entryBytes),
    );
    for (const w of this.rvWaiters) if (w.rv <= this.committedRv) w.resolve(true);
  }
}
