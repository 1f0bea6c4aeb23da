/**
 * The etcd backend: objects in etcd under `--etcd-prefix`, shared by every replica, served through a watch
 * cache in each replica, as kube-apiserver's etcd3 store and cacher do it.
 *
 * - resourceVersion is the etcd revision. Objects are stored as JSON without it (as upstream stores them) and
 *   read back with it set to the key's mod_revision.
 * - Every write is one transaction that compares the key's mod_revision (create: its create_revision is 0),
 *   so no in-process lock is relied on: another replica's write in between makes the compare fail, and the
 *   update or delete is computed again on what etcd holds (`GuaranteedUpdate`).
 * - Reads come from memory (`../cache/`), fed by one etcd watch over the prefix. A consistent read (a get, or a
 *   list without resourceVersion) first learns etcd's current revision and waits until the cache has it;
 *   etcd's progress notifications move the cache past revisions that touched other prefixes.
 * - At start-up the cache lists the prefix at one revision and loads the events of up to `historySize`
 *   revisions before it from etcd, so watches resumed across a restart miss nothing.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { entryBytes, EventHistory, type HistoryBounds, type HistoryEntry, toStorageEvent } from '../cache/history.js';
import { ObjectIndex } from '../cache/object-index.js';
import { listFromCache, watchFromCache } from '../cache/serve.js';
import {
  type DeletePrecondition,
  type ListOptions,
  type ListResult,
  type Storage,
  StorageError,
  type UpdateFunction,
  type Watch,
  type WatchOptions,
} from '../interfaces.js';
import { WatchHub } from '../watchers.js';
import { EtcdClient, type EtcdClientOptions, type KeyValue, prefixEnd, type WatchResponse, type WatchStream } from './client.js';
import { Compactor } from './compactor.js';
import { loadHistory } from './history-load.js';
import { cachedJson, sameObject, storedValue, withResourceVersion } from './stored-value.js';

export interface EtcdStorageOptions extends EtcdClientOptions {
  /** Every key is stored under this prefix (`--etcd-prefix`, default /registry). */
  prefix: string;
  historySize: number;
  historyBytes: number;
  /** `--etcd-compaction-interval` in milliseconds; 0 leaves compaction to someone else. */
  compactionIntervalMs: number;
  /** How long a consistent read waits for the cache to reach etcd's revision (default 3 s, the cacher's). */
  freshnessTimeoutMs?: number;
}

/** How often etcd's reachability is checked for /readyz. */
const HEALTH_CHECK_INTERVAL_MS = 2_000;
/**
 * How long the cache's watch may stay broken before /readyz fails. A leader change or a restarted member
 * breaks every replica's watch at once, and each re-watches within a second on another member: failing
 * readiness for that would take every replica out of the Service together, which is the outage HA is for.
 */
const WATCH_DOWN_GRACE_MS = 5_000;
/** How often a waiting reader asks etcd again for a progress notification. */
const PROGRESS_REQUEST_INTERVAL_MS = 100;
/** How long a broken watch stream waits before it is opened again. */
const REWATCH_DELAY_MS = 500;
/** Keys per page of the start-up list. */
const LIST_PAGE = 1_000;

export class EtcdStorage implements Storage {
  readonly healthCheckName = 'etcd';
  readonly restartHeals = false;
  private readonly client: EtcdClient;
  private readonly prefix: Buffer;
  private readonly end: Buffer;
  private index = new ObjectIndex();
  private history: EventHistory;
  private readonly hub = new WatchHub();
  private readonly compactor: Compactor;
  /** Every event up to this revision is in the cache. */
  private cacheRv = 0;
  private stream: WatchStream | undefined;
  private readonly rvWaiters = new Set<{ rv: number; resolve: (reached: boolean) => void }>();
  private progressTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private rewatchTimer: NodeJS.Timeout | undefined;
  /** Why etcd cannot be used now (unreachable, foreign data under the prefix), for /readyz. */
  private failure: string | undefined;
  /** Since when the cache's watch has been broken, and why. */
  private watchDown: { since: number; reason: string } | undefined;
  private state: 'new' | 'open' | 'closed' = 'new';
  /** The revision read that callers arriving in this turn of the event loop share, not sent yet. */
  private revisionBatch: Promise<number> | undefined;

  constructor(private readonly options: EtcdStorageOptions) {
    this.client = new EtcdClient(options);
    this.prefix = Buffer.from(options.prefix.replace(/\/+$/, ''));
    this.end = prefixEnd(Buffer.concat([this.prefix, Buffer.from('/')]));
    this.history = new EventHistory(this.bounds());
    // A failed round (etcd briefly away, another replica's compaction) is retried the next interval; it
    // is no reason to take the replica out of its Service.
    this.compactor = new Compactor(this.client, options.compactionIntervalMs, () => {});
  }

  private bounds(): HistoryBounds {
    return { maxEvents: this.options.historySize, maxBytes: this.options.historyBytes };
  }

  async open(): Promise<void> {
    await this.resync(true);
    this.state = 'open';
    this.compactor.start();
    this.healthTimer = setInterval(() => void this.checkHealth(), HEALTH_CHECK_INTERVAL_MS);
    this.healthTimer.unref();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.compactor.stop();
    clearInterval(this.healthTimer);
    clearTimeout(this.rewatchTimer);
    clearInterval(this.progressTimer);
    this.stream?.close();
    this.hub.close();
    for (const w of this.rvWaiters) w.resolve(false);
    this.client.close();
  }

  async currentResourceVersion(): Promise<number> {
    return this.etcdRevision();
  }

  async oldestResourceVersion(): Promise<number> {
    return this.history.compacted;
  }

  waitForResourceVersion(resourceVersion: number, timeoutMs: number): Promise<boolean> {
    if (resourceVersion <= this.cacheRv) return Promise.resolve(true);
    if (this.state === 'closed') return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        rv: resourceVersion,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          this.rvWaiters.delete(waiter);
          if (this.rvWaiters.size === 0) {
            clearInterval(this.progressTimer);
            this.progressTimer = undefined;
          }
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      this.rvWaiters.add(waiter);
      // etcd answers a progress request once the stream has sent everything up to its revision; asked again
      // while waiting, since it answers nothing while the watch is still catching up.
      this.stream?.requestProgress();
      this.progressTimer ??= setInterval(() => this.stream?.requestProgress(), PROGRESS_REQUEST_INTERVAL_MS);
    });
  }

  health(): string | undefined {
    if (this.state !== 'open') return 'storage is not open';
    if (this.watchDown && Date.now() - this.watchDown.since > WATCH_DOWN_GRACE_MS) return this.watchDown.reason;
    return this.failure;
  }

  async get(key: string): Promise<KubeObject> {
    return JSON.parse(await this.getRaw(key)) as KubeObject;
  }

  async getRaw(key: string): Promise<string> {
    await this.consistentRead(key);
    const found = this.index.cached(key);
    if (!found) throw new StorageError('NotFound', key, `key not found: ${key}`);
    return found.json;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen(prefix);
    opts.signal?.throwIfAborted();
    if (opts.resourceVersion === undefined) await this.consistentRead(prefix);
    else if (opts.resourceVersion > this.cacheRv) await this.reach(opts.resourceVersion, prefix);
    return listFromCache(this.index, () => this.history, this.cacheRv, prefix, opts);
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    this.checkOpen(key);
    const k = this.etcdKey(key);
    const res = await this.client.txn(
      [{ result: 'EQUAL', target: 'CREATE', key: k, create_revision: 0 }],
      [{ request_put: { key: k, value: storedValue(obj) } }],
      [],
    );
    if (!res.succeeded) throw new StorageError('AlreadyExists', key, `key exists: ${key}`);
    return withResourceVersion(obj, res.header.revision);
  }

  async update(key: string, tryUpdate: UpdateFunction): Promise<KubeObject> {
    this.checkOpen(key);
    const k = this.etcdKey(key);
    // The cached object is a guess at the current one; a failed compare (or a refusal computed on a stale
    // guess) reads etcd and tries again, as upstream's GuaranteedUpdate does.
    let cur = this.index.cached(key);
    let fromCache = cur !== undefined;
    cur ??= await this.read(key);
    for (;;) {
      if (!cur) throw new StorageError('NotFound', key, `key not found: ${key}`);
      let next: KubeObject;
      try {
        next = await tryUpdate(JSON.parse(cur.json) as KubeObject);
      } catch (err) {
        if (!fromCache) throw err;
        cur = await this.freshOrThrow(key, cur, err);
        fromCache = false;
        continue;
      }
      const current = JSON.parse(cur.json) as KubeObject;
      if (sameObject(next, current)) {
        if (!fromCache) return current;
        // Nothing to write only if the guess was right: confirm with etcd.
        const fresh = await this.read(key);
        fromCache = false;
        if (fresh?.rv === cur.rv) return current;
        cur = fresh;
        continue;
      }
      const res = await this.client.txn(
        [{ result: 'EQUAL', target: 'MOD', key: k, mod_revision: cur.rv }],
        [{ request_put: { key: k, value: storedValue(next) } }],
        [{ request_range: { key: k } }],
      );
      if (res.succeeded) return withResourceVersion(next, res.header.revision);
      cur = this.cached(res.responses[0]?.response_range?.kvs[0]);
      fromCache = false;
    }
  }

  async delete(key: string, precondition?: DeletePrecondition): Promise<KubeObject> {
    this.checkOpen(key);
    const k = this.etcdKey(key);
    let cur = this.index.cached(key);
    let fromCache = cur !== undefined;
    cur ??= await this.read(key);
    for (;;) {
      if (!cur) throw new StorageError('NotFound', key, `key not found: ${key}`);
      try {
        precondition?.(JSON.parse(cur.json) as KubeObject);
      } catch (err) {
        if (!fromCache) throw err;
        cur = await this.freshOrThrow(key, cur, err);
        fromCache = false;
        continue;
      }
      const res = await this.client.txn(
        [{ result: 'EQUAL', target: 'MOD', key: k, mod_revision: cur.rv }],
        [{ request_delete_range: { key: k } }],
        [{ request_range: { key: k } }],
      );
      if (res.succeeded) return withResourceVersion(JSON.parse(cur.json) as KubeObject, res.header.revision);
      cur = this.cached(res.responses[0]?.response_range?.kvs[0]);
      fromCache = false;
    }
  }

  async watch(prefix: string, opts: WatchOptions): Promise<Watch> {
    this.checkOpen(prefix);
    if (opts.resourceVersion > this.cacheRv) await this.reach(opts.resourceVersion, prefix);
    return watchFromCache(() => this.history, this.hub, prefix, opts);
  }

  /** Compacts etcd at its current revision: every replica started afterwards has no history before it. */
  async forgetHistory(): Promise<void> {
    this.checkOpen('');
    const revision = await this.etcdRevision();
    await this.reach(revision, '');
    await this.client.compact(revision);
    this.history = new EventHistory(this.bounds(), revision);
  }

  private checkOpen(key: string): void {
    if (this.state !== 'open') throw new StorageError('Unavailable', key, 'storage is not open');
  }

  private etcdKey(key: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(key)]);
  }

  /** A key-value of etcd as the cache keeps it: JSON with metadata.resourceVersion = its mod_revision. */
  private cached(kv: KeyValue | undefined): { json: string; rv: number } | undefined {
    if (!kv) return undefined;
    return { json: cachedJson(kv, this.prefix.length), rv: kv.mod_revision };
  }

  /**
   * After `err` was computed on the cache's guess: etcd's current object to try again with (undefined: gone),
   * or `err` rethrown when the guess was current and the refusal stands.
   */
  private async freshOrThrow(key: string, guess: { rv: number }, err: unknown): Promise<{ json: string; rv: number } | undefined> {
    const fresh = await this.read(key);
    if (fresh?.rv === guess.rv) throw err;
    return fresh;
  }

  /** The key as etcd holds it now. */
  private async read(key: string): Promise<{ json: string; rv: number } | undefined> {
    const res = await this.client.range(this.etcdKey(key));
    return this.cached(res.kvs[0]);
  }

  /**
   * etcd's current revision, by a linearizable read of one key. The callers of one turn of the event loop
   * share one read, sent after all of them arrived (a read sent before a caller arrived could miss a write it
   * has seen acknowledged); reads of successive turns overlap rather than queue behind each other.
   */
  private etcdRevision(): Promise<number> {
    this.revisionBatch ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.revisionBatch = undefined;
      return this.client.range(this.prefix, undefined, { limit: 1, countOnly: true }).then((res) => res.header.revision);
    });
    return this.revisionBatch;
  }

  /** Waits until the cache holds everything etcd held when the read arrived (upstream's consistent read from cache). */
  private async consistentRead(key: string): Promise<void> {
    this.checkOpen(key);
    await this.reach(await this.etcdRevision(), key);
  }

  private async reach(rv: number, key: string): Promise<void> {
    if (await this.waitForResourceVersion(rv, this.options.freshnessTimeoutMs ?? 3_000)) return;
    throw new StorageError(
      'Unavailable',
      key,
      `the watch cache did not reach etcd revision ${rv} in time (at ${this.cacheRv}): ${this.health() ?? 'etcd is slow'}`,
    );
  }

  /**
   * Fills the cache: lists the prefix at one revision, loads the history before it (at start-up), and watches
   * from the next revision. After the watch lost events for good (etcd compacted past the cache), watches are
   * ended so that their clients resume, get 410 and relist, as with upstream's cacher.
   */
  private async resync(withHistory: boolean): Promise<void> {
    const index = new ObjectIndex();
    let revision = 0;
    let from = this.prefix;
    const prefixLength = this.prefix.length;
    for (;;) {
      const page = await this.client.range(from, this.end, { limit: LIST_PAGE, ...(revision ? { revision } : {}) });
      revision ||= page.header.revision;
      for (const kv of page.kvs) {
        index.load(kv.key.subarray(prefixLength).toString(), kv.mod_revision, cachedJson(kv, prefixLength));
      }
      const last = page.kvs.at(-1);
      if (!page.more || !last) break;
      from = Buffer.concat([last.key, Buffer.from([0])]);
    }
    const history = withHistory
      ? await loadHistory(this.client, this.prefix, this.end, revision, this.bounds())
      : new EventHistory(this.bounds(), revision);
    this.hub.endAll();
    this.index = index;
    this.history = history;
    this.cacheRv = revision;
    this.startWatch();
  }

  private startWatch(): void {
    this.stream?.close();
    this.stream = this.client.watch(this.prefix, this.end, this.cacheRv + 1, {
      response: (res) => this.onWatchResponse(res),
      end: (err) => {
        if (this.state === 'closed') return;
        this.watchBroken(`etcd watch failed: ${err?.message ?? 'ended'}`);
        this.rewatchTimer = setTimeout(() => this.startWatch(), REWATCH_DELAY_MS);
      },
    });
  }

  private onWatchResponse(res: WatchResponse): void {
    if (res.canceled) {
      this.stream?.close();
      if (res.compact_revision > 0) {
        // etcd compacted past what the cache has: nothing can fill the gap but a new list.
        this.watchBroken('etcd compacted past the watch cache: relisting');
        this.resync(false).catch((err) => {
          this.watchBroken(`etcd resync failed: ${String(err)}`);
          this.rewatchTimer = setTimeout(() => this.startWatch(), REWATCH_DELAY_MS);
        });
      } else {
        this.watchBroken(`etcd watch canceled: ${res.cancel_reason}`);
        this.rewatchTimer = setTimeout(() => this.startWatch(), REWATCH_DELAY_MS);
      }
      return;
    }
    this.watchDown = undefined;
    if (res.created) return;
    if (res.events.length === 0) {
      // A progress notification: every event up to its revision has been sent.
      this.advance(res.header.revision);
      return;
    }
    const entries: HistoryEntry[] = [];
    for (const ev of res.events) {
      const key = ev.kv.key.subarray(this.prefix.length).toString();
      const rv = ev.kv.mod_revision;
      const prev = this.index.cached(key);
      let entry: HistoryEntry;
      if (ev.type === 'DELETE') {
        if (!prev) continue;
        const last = withResourceVersion(JSON.parse(prev.json) as KubeObject, rv);
        entry = { type: 'DELETED', key, resourceVersion: rv, json: JSON.stringify(last), prevJson: prev.json };
      } else {
        let json: string;
        try {
          json = cachedJson(ev.kv, this.prefix.length);
        } catch (err) {
          // Something else writes under our prefix: not served, and /readyz says so.
          this.failure = (err as Error).message;
          continue;
        }
        entry = prev
          ? { type: 'MODIFIED', key, resourceVersion: rv, json, prevJson: prev.json }
          : { type: 'ADDED', key, resourceVersion: rv, json };
      }
      this.index.commit([entry]);
      entries.push(entry);
    }
    if (entries.length > 0) {
      this.history.apply(entries, this.history.planEviction(entries));
      this.hub.publish(entries.map(toStorageEvent), entries.map(entryBytes));
    }
    this.advance((res.events.at(-1) as { kv: KeyValue }).kv.mod_revision);
  }

  private watchBroken(reason: string): void {
    this.watchDown = { since: this.watchDown?.since ?? Date.now(), reason };
  }

  private advance(rv: number): void {
    if (rv <= this.cacheRv) return;
    this.cacheRv = rv;
    this.hub.progress(rv);
    for (const w of this.rvWaiters) if (w.rv <= rv) w.resolve(true);
  }

  private async checkHealth(): Promise<void> {
    try {
      await this.client.range(this.prefix, undefined, { limit: 1, countOnly: true });
      if (this.failure?.startsWith('etcd unreachable')) this.failure = undefined;
    } catch (err) {
      this.failure = `etcd unreachable: ${(err as Error).message}`;
    }
  }
}
