/**
 * The current objects: every key with its resourceVersion in memory, in a B+ tree (a write at any size of the
 * collection costs O(log n), and lists by prefix are range scans), and the bodies where the backend keeps them
 * (`Bodies`: all in memory for etcd's watch cache, on disk behind a byte-bounded cache for LevelDB).
 *
 * What readers see is only what is committed. Writes enqueued but not yet committed are kept apart
 * (`pending`), since the next writer of a key must build on them; while a key has one, its committed body is
 * pinned in memory, because the disk may already hold the newer one.
 */
import { createRequire } from 'node:module';
import { rank } from './btree-rank.js';
import type { HistoryEntry } from './history.js';

// CommonJS modules; required, so Node and the test runner agree.
const require = createRequire(import.meta.url);
const { default: BTree } = require('sorted-btree') as typeof import('sorted-btree');
const { bulkLoad } = require('sorted-btree/extended/bulkLoad') as typeof import('sorted-btree/extended/bulkLoad.js');

/** String order by UTF-16 code units: LevelDB's and etcd's byte order for the ASCII keys objects have. */
const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** The tree's branching factor (sorted-btree's default). */
const NODE_SIZE = 64;

export interface Committed {
  json: string;
  rv: number;
}

/** A consistent view of the bodies as committed when it was taken, for what `Bodies.peek` did not hold. */
export interface BodySnapshot {
  /** The bodies of `keys` as committed when the snapshot was taken, in order. */
  read(keys: string[]): Promise<(string | undefined)[]>;
  close(): void;
}

/** Where a backend keeps the bodies of its committed objects. */
export interface Bodies {
  /** The body of `key` at `rv` if it is in memory; `touch`: count it as used (an LRU's recency). */
  peek(key: string, rv: number, touch: boolean): string | undefined;
  /** The body of `key` at `rv` was read from disk (or committed): keep it if there is room. */
  remember(key: string, rv: number, json: string): void;
  /** `key` was deleted. */
  forget(key: string): void;
  /** A view of the committed bodies as of now; undefined when every body is in memory (peek never misses). */
  snapshot(): BodySnapshot | undefined;
}

/** Bodies all in memory: etcd's watch cache, as kube-apiserver's cacher keeps them. */
export class MemoryBodies implements Bodies {
  private readonly bodies = new Map<string, string>();

  peek(key: string): string | undefined {
    return this.bodies.get(key);
  }

  remember(key: string, _rv: number, json: string): void {
    this.bodies.set(key, json);
  }

  forget(key: string): void {
    this.bodies.delete(key);
  }

  snapshot(): undefined {
    return undefined;
  }
}

/** A key's writes not yet committed: the newest (null: a delete), and the committed body they replace. */
interface Pending {
  next: Committed | null;
  committed: string | undefined;
}

/** Keys of a list in order, with their bodies where memory had them at the snapshot (undefined: to be read). */
export interface Selection {
  keys: string[];
  /** Each key's resourceVersion; -1 where not known (a body from the history, at an older snapshot). */
  rvs: number[];
  bodies: (string | undefined)[];
}

/**
 * The keys from `prefix` (or from `startAfter`, when it is within) up to `to`: keys are ASCII, so every key with
 * the prefix sorts below prefix + U+FFFF.
 */
function range(prefix: string, startAfter: string | undefined): { from: string; to: string } {
  return { from: startAfter !== undefined && startAfter >= prefix ? startAfter : prefix, to: `${prefix}\uffff` };
}

/** The keys of a list as of when it was taken, read a chunk at a time (`ObjectIndex.view`). */
export interface KeyView {
  readonly length: number;
  /** At most `max` keys after `after` (undefined: the first), with the bodies memory holds of them. */
  next(after: string | undefined, max: number): Selection;
  /** The bodies memory does not hold, as committed when the view was taken; the caller closes it. */
  readonly snapshot: BodySnapshot;
}

export class ObjectIndex {
  private rvs = new BTree<string, number>(undefined, compareKeys, NODE_SIZE);
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly bodies: Bodies = new MemoryBodies()) {}

  /** Loads one object at start-up; its body too when the backend keeps bodies in memory. */
  load(key: string, rv: number, json?: string): void {
    this.rvs.set(key, rv);
    if (json !== undefined) this.bodies.remember(key, rv, json);
  }

  /**
   * Loads the objects of an empty index at once (O(n), the tree built bottom-up): `keys` in strictly
   * ascending order, as LevelDB lists them, with their resourceVersions.
   */
  loadSorted(keys: string[], rvs: number[]): void {
    if (this.rvs.size > 0) throw new Error('loadSorted: the index is not empty');
    this.rvs = bulkLoad(keys, rvs, NODE_SIZE, compareKeys);
  }

  /** The committed object of `key` when its body is in memory (always, with MemoryBodies). */
  cached(key: string): Committed | undefined {
    const rv = this.rvs.get(key);
    if (rv === undefined) return undefined;
    const json = this.bodyInMemory(key, rv, true);
    return json === undefined ? undefined : { json, rv };
  }

  /** The committed object of `key`, read from disk when memory does not hold it. */
  async read(key: string): Promise<Committed | undefined> {
    const inMemory = this.cached(key);
    if (inMemory) return inMemory;
    const rv = this.rvs.get(key);
    if (rv === undefined) return undefined;
    // No write of the key is in flight (its body would be pinned), so the disk holds exactly this version.
    const snapshot = this.bodies.snapshot();
    if (!snapshot) return undefined;
    try {
      const [read] = await snapshot.read([key]);
      if (read === undefined) throw new Error(`storage: ${key} at resourceVersion ${rv} is missing from disk`);
      this.bodies.remember(key, rv, read);
      return { json: read, rv };
    } finally {
      snapshot.close();
    }
  }

  /** Whether the next write of `key` finds it: its pending write if any, else what is committed. */
  exists(key: string): boolean {
    const p = this.pending.get(key);
    return p !== undefined ? p.next !== null : this.rvs.has(key);
  }

  /** What the next write of `key` builds on: its pending write if any, else what is committed. */
  async latest(key: string): Promise<Committed | undefined> {
    const p = this.pending.get(key);
    if (p !== undefined) return p.next ?? undefined;
    return this.read(key);
  }

  /**
   * Records a write enqueued but not yet committed (null: a delete). `committedJson`: the committed body it
   * replaces, pinned until the write commits.
   */
  enqueue(key: string, value: Committed | null, committedJson?: string): void {
    const p = this.pending.get(key);
    this.pending.set(key, { next: value, committed: p ? p.committed : committedJson });
  }

  /** Makes committed writes visible, and forgets each one's pending state unless a later write replaced it. */
  commit(entries: HistoryEntry[]): void {
    for (const e of entries) {
      if (e.type === 'DELETED') {
        this.rvs.delete(e.key);
        this.bodies.forget(e.key);
      } else {
        this.rvs.set(e.key, e.resourceVersion);
        this.bodies.remember(e.key, e.resourceVersion, e.json);
      }
      const p = this.pending.get(e.key);
      if (p === undefined) continue;
      const done = p.next === null ? e.type === 'DELETED' : p.next.rv === e.resourceVersion;
      if (done) this.pending.delete(e.key);
      else p.committed = e.type === 'DELETED' ? undefined : e.json;
    }
  }

  /** How many committed keys start with `prefix` (strictly after `startAfter`): O(log n). */
  count(prefix: string, startAfter?: string): number {
    const { from, to } = range(prefix, startAfter);
    const n = this.keysIn(from, to);
    return startAfter !== undefined && from === startAfter && this.rvs.has(startAfter) ? n - 1 : n;
  }

  /** Whether `key` is committed. */
  has(key: string): boolean {
    return this.rvs.has(key);
  }

  /**
   * The committed keys starting with `prefix` (strictly after `startAfter`), in order, at most `max` of them,
   * with the bodies memory holds now; `snapshot` reads the others as they are now. Both are taken in one turn of
   * the event loop.
   */
  select(prefix: string, startAfter?: string, max = Infinity): Selection {
    // forRange, not entries(): no [key, value] pair is made per object. The range is counted first, so that its
    // arrays are made at their size: grown by push, a list of a million objects left tens of MiB of outgrown
    // copies behind.
    const { from, to } = range(prefix, startAfter);
    const n = Math.min(max, this.keysIn(from, to));
    const keys = new Array<string>(n);
    const rvs = new Array<number>(n);
    const bodies = new Array<string | undefined>(n);
    let i = 0;
    this.rvs.forRange(from, to, false, (k, rv) => {
      if (k === startAfter) return;
      keys[i] = k;
      rvs[i] = rv;
      bodies[i] = this.bodyInMemory(k, rv, false);
      i++;
      if (i === max) return { break: true };
    });
    // startAfter itself was counted when it is still stored.
    keys.length = i;
    rvs.length = i;
    bodies.length = i;
    return { keys, rvs, bodies };
  }

  /**
   * The committed keys starting with `prefix` (strictly after `startAfter`) as of now, to be read a chunk at a
   * time: for a list that streams them all, so that a list of a million objects does not make three arrays of a
   * million (24 MiB that only V8's next full collection frees, left by every such list). The keys are a clone of
   * the tree (O(1): the tree copies a node the first time a later write changes it), and the bodies are read as
   * each chunk is: from memory where it holds that resourceVersion, else from a read view of the disk taken now.
   * A key with a write in flight has its committed body taken now, as the disk may already hold the newer one.
   * `length` is their `count`, taken in the same turn. Undefined when every body is in memory: `select` takes
   * them at once.
   */
  view(prefix: string, startAfter: string | undefined, length: number): KeyView | undefined {
    const snapshot = this.bodies.snapshot();
    if (!snapshot) return undefined;
    const { from, to } = range(prefix, startAfter);
    const keys = this.rvs.clone();
    const pinned = new Map<string, string>();
    for (const [key, p] of this.pending) if (p.committed !== undefined && key >= from && key < to) pinned.set(key, p.committed);
    const bodies = this.bodies;
    return {
      length,
      snapshot,
      next(after, max) {
        const sel: Selection = { keys: [], rvs: [], bodies: [] };
        const skip = after ?? startAfter;
        keys.forRange(after ?? from, to, false, (k, rv) => {
          if (k === skip) return;
          sel.keys.push(k);
          sel.rvs.push(rv);
          sel.bodies.push(pinned.get(k) ?? bodies.peek(k, rv, false));
          if (sel.keys.length === max) return { break: true };
        });
        return sel;
      },
    };
  }

  /** A view of the committed bodies as of now, for those `select` found missing. */
  snapshot(): BodySnapshot | undefined {
    return this.bodies.snapshot();
  }

  /** How many keys are in [from, to): two ranks, O(log n). */
  private keysIn(from: string, to: string): number {
    return rank(this.rvs, to, compareKeys) - rank(this.rvs, from, compareKeys);
  }

  private bodyInMemory(key: string, rv: number, touch: boolean): string | undefined {
    const p = this.pending.get(key);
    if (p !== undefined && p.committed !== undefined) return p.committed;
    return this.bodies.peek(key, rv, touch);
  }
}
