/**
 * The storage contract every backend (LevelDB, etcd) implements, and that one conformance suite checks.
 *
 * Objects are stored whole, in the storage version, under keys such as
 * `/<group>/<resource>/<namespace>/<name>` (`/<group>/<resource>/<name>` when cluster-scoped).
 * resourceVersion is one monotonic integer per store: every write takes the next one, and a write and
 * its watch event commit together, so a watch resumed from any retained resourceVersion misses nothing.
 */
import type { KubeObject } from '../apimachinery/types.js';
import { parseObject } from '../apimachinery/parse-object.js';

export type StorageErrorCode =
  /** The key does not exist (get, update, delete). */
  | 'NotFound'
  /** create on a key that exists. */
  | 'AlreadyExists'
  /** A precondition given to update or delete failed (stale resourceVersion, uid mismatch). */
  | 'Conflict'
  /** The requested resourceVersion is older than the retained history (compacted). */
  | 'Expired'
  /** The store is closed or failed to write. */
  | 'Unavailable';

/** Errors storage raises; the registry turns them into Kubernetes Status errors. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message: string,
    /** For Expired: the oldest resourceVersion still available. */
    readonly oldestResourceVersion?: number,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StorageEvent {
  type: WatchEventType;
  key: string;
  /** The object after the change; for DELETED the last state, with metadata.resourceVersion = the delete's. */
  object: KubeObject;
  /** The object before the change (MODIFIED, DELETED). */
  prevObject?: KubeObject;
  resourceVersion: number;
}

/**
 * Decides whether an object belongs in a list or a watch (label and field selectors). `requiredText`: text the
 * compact JSON of every object it accepts contains, so that a scan skips parsing the others.
 */
export type Predicate = ((obj: KubeObject) => boolean) & { requiredText?: readonly string[] };

/** Whether an object stored as `json` may be accepted by `predicate` (false: it is not, without a parse). */
export function mayMatch(predicate: Predicate, json: string): boolean {
  const required = predicate.requiredText;
  if (!required) return true;
  for (const text of required) if (!json.includes(text)) return false;
  return true;
}

/**
 * The object stored as `json` when `predicate` accepts it (any, without one), else undefined: its text is
 * tested first, so an object the text rules out is never parsed. Every scan of stored text selects through it.
 */
export function parseSelected(json: string, predicate: Predicate | undefined): KubeObject | undefined {
  if (predicate && !mayMatch(predicate, json)) return undefined;
  const obj = parseObject(json);
  return !predicate || predicate(obj) ? obj : undefined;
}

export interface ListOptions {
  /**
   * Read the state as of this resourceVersion (a consistent snapshot for paging).
   * Undefined: the current state. Older than the retained history: StorageError 'Expired'.
   */
  resourceVersion?: number;
  /** Only keys strictly greater than this one (the continue position). */
  startAfter?: string;
  /** At most this many matching items; 0 or undefined: no limit. */
  limit?: number;
  predicate?: Predicate;
  /** Gives up (rejecting with the signal's reason) once the caller has gone. */
  signal?: AbortSignal;
  /**
   * Return the items as their stored JSON text in `rawItems` (and none in `items`), so a list served in the
   * storage version is never parsed and re-serialised. Not with a predicate.
   */
  raw?: boolean;
}

/**
 * The items of a raw list as their stored JSON text, read in order from the list's snapshot as the caller asks
 * for them: a list of a million objects is never in memory at once. A store whose bodies live on disk holds a
 * read view open until `chunks` ends or `close` is called, so every caller does one or the other.
 */
export interface RawItems {
  readonly length: number;
  /**
   * When these items are a page of a list (a limit, a continue): how many the whole list has, from its first key.
   * What a cache of rows needs to know whether the list it serves fits.
   */
  readonly listLength?: number;
  /**
   * Item `i`'s key and resourceVersion (-1 when not known): what identifies its text without reading it. Asked
   * only while `chunks` is at the chunk of item `i` (in `skip`, or before the next chunk is asked for): a list of
   * every key holds only the current chunk's keys.
   */
  keyOf(i: number): string;
  resourceVersionOf(i: number): number;
  /**
   * The items in order, some hundreds at a time; once. Items `skip` returns true for are not read (undefined in
   * their place); without `skip`, none is undefined.
   */
  chunks(skip?: (i: number) => boolean): AsyncGenerator<(string | undefined)[]>;
  /** Releases the read view (idempotent; `chunks` does it when it ends). */
  close(): void;
}

export interface ListResult {
  /** Objects with metadata.resourceVersion set, in key order. */
  items: KubeObject[];
  /** With `raw`: the same objects as JSON text, to be read (or closed). */
  rawItems?: RawItems;
  /** The resourceVersion the list was read at. */
  resourceVersion: number;
  /** Set when `limit` cut the list: the last key returned, to pass as `startAfter`. */
  lastKey?: string;
  /** With a limit and no predicate: how many keys remain after this page. */
  remainingItemCount?: number;
}

/** Computes the next object from the current one; it may throw to abort (e.g. a StatusError). */
export type UpdateFunction = (current: KubeObject) => KubeObject | Promise<KubeObject>;

/** Checks the current object before a delete; it may throw to abort. */
export type DeletePrecondition = (current: KubeObject) => void;

export interface WatchOptions {
  /** Deliver events with resourceVersion strictly greater than this one. */
  resourceVersion: number;
  predicate?: Predicate;
  /** Stops the watch (as `stop`) once the caller has gone. */
  signal?: AbortSignal;
}

/** A running watch. Events arrive in resourceVersion order; `stop` ends it and frees its buffer. */
export interface Watch {
  /** Resolves with the next event, or undefined once stopped. */
  next(): Promise<StorageEvent | undefined>;
  /**
   * A resourceVersion up to which every change of the store has been handed out by `next` or filtered out (0
   * while events wait): what a BOOKMARK may carry, so that a quiet watch's client resumes from a recent
   * resourceVersion rather than one the history has dropped.
   */
  progress(): number;
  stop(): void;
}

export interface Storage {
  /** Opens the store; rejects if another process holds it. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** The resourceVersion of the newest write (0 for an empty store); a round trip for a remote store. */
  currentResourceVersion(): Promise<number>;
  /** The oldest resourceVersion a watch or a snapshot list may still start from. */
  oldestResourceVersion(): Promise<number>;
  /**
   * Resolves true once the store has reached `resourceVersion`, or false after `timeoutMs` (a client that saw
   * a newer resourceVersion than this replica, as the watch cache's `waitUntilFreshAndBlock`).
   */
  waitForResourceVersion(resourceVersion: number, timeoutMs: number): Promise<boolean>;
  /** Why the store cannot serve now (closed, a failed write), or undefined when it can; /readyz reports it. */
  health(): string | undefined;
  /** The name /readyz and /livez give the store's check: `etcd` for etcd, as kube-apiserver's. */
  readonly healthCheckName: string;
  /**
   * Whether a restart heals what `health` reports (a failed LevelDB write): then the check is in /livez too and
   * the kubelet restarts the pod. An unreachable etcd is not healed by restarting every replica.
   */
  readonly restartHeals: boolean;

  get(key: string): Promise<KubeObject>;
  /** The object as its stored JSON text (resourceVersion set): a get served in the storage version, never parsed. */
  getRaw(key: string): Promise<string>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Stores a new object; the result carries its resourceVersion. */
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  /**
   * Reads the current object, computes the next with `tryUpdate`, and writes it, atomically with respect
   * to other writes of the key. Returning the current object unchanged (same JSON) writes nothing and
   * returns it with its old resourceVersion, as kube-apiserver does for no-op updates.
   */
  update(key: string, tryUpdate: UpdateFunction): Promise<KubeObject>;
  /** Deletes the key; the result is the last state with the delete's resourceVersion. */
  delete(key: string, precondition?: DeletePrecondition): Promise<KubeObject>;
  /** Starts a watch; rejects with StorageError 'Expired' when `resourceVersion` is older than the history. */
  watch(prefix: string, opts: WatchOptions): Promise<Watch>;
  /**
   * Drops the event history up to now: a watch or a list from an older resourceVersion gets 'Expired'. After a
   * restore, so that a client holding a resourceVersion of the store the backup came from relists rather than
   * reading the restore's writes as changes to what it has.
   */
  forgetHistory(): Promise<void>;
}
