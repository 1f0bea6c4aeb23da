/**
 * A list over the index, at the current state or at an older resourceVersion (the current objects with the
 * newer events undone, given as `overrides`): a consistent snapshot, paged by key. The keys, the bodies memory
 * holds and a read view of the rest are taken in one turn of the event loop; bodies are then read in chunks,
 * and for a raw list only as the caller consumes them.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { type ListOptions, type ListResult, parseSelected, type RawItems } from '../interfaces.js';
import type { BodySnapshot, KeyView, ObjectIndex, Selection } from './object-index.js';

/** Keys whose value at the snapshot differs from now: their JSON then, or null where they did not exist. */
export type Overrides = Map<string, string | null>;

/**
 * Bodies read from disk per round trip: few enough that a chunk is written out before the young generation is
 * next collected (chunks of 500 outlived it, were promoted, and raised a 100,000-object list's peak by 100 MiB
 * with the server's small young generation; see SERVER_NODE_FLAGS in bench/cannon.ts).
 */
export const CHUNK = 128;
/** Marks a body the caller does not want read (an object's own text is never this string). */
const SKIPPED = '';

export async function listSnapshot(
  index: ObjectIndex,
  prefix: string,
  at: number,
  overrides: Overrides | undefined,
  opts: ListOptions,
): Promise<ListResult> {
  // Everything up to the first await happens in one turn: the selection and its read view agree.
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  if (opts.raw && !opts.predicate) {
    // How many keys the whole list has: the index's count, and what the overrides add or take out.
    const n = index.count(prefix, opts.startAfter) + addedBy(index, overrides, prefix, opts.startAfter);
    // A list that streams every key of more than a chunk reads them a chunk at a time.
    const view = n > CHUNK && n <= limit && !overrides?.size ? index.view(prefix, opts.startAfter, n) : undefined;
    if (view) return { items: [], resourceVersion: at, rawItems: viewItems(view) };
    // A page selects only its keys, and as many more as the overrides may take out (a page of 500 of a million
    // objects selected every key before).
    const sel = withOverrides(index.select(prefix, opts.startAfter, limit + (overrides?.size ?? 0)), prefix, opts.startAfter, overrides);
    const count = Math.min(n, limit);
    sel.keys.length = sel.rvs.length = sel.bodies.length = Math.min(sel.keys.length, count);
    const snapshot = sel.bodies.includes(undefined) ? index.snapshot() : undefined;
    // A page says how long its whole list is, from the first key: counted in the same turn, O(log n).
    const listLength = opts.startAfter === undefined ? n : index.count(prefix) + addedBy(index, overrides, prefix, undefined);
    const result: ListResult = { items: [], resourceVersion: at, rawItems: new ChunkReader(sel, snapshot).rawItems(count, listLength) };
    if (count < n) {
      result.lastKey = sel.keys[count - 1];
      result.remainingItemCount = n - count;
    }
    return result;
  }

  // A scan of more than a chunk of keys reads them a chunk at a time too: a page of a label selector over a
  // million objects selected every key after its position, to stop at its first `limit` matches.
  if (!overrides?.size) {
    const n = index.count(prefix, opts.startAfter);
    const view = n > CHUNK ? index.view(prefix, opts.startAfter, n) : undefined;
    if (view) return scanView(view, at, limit, opts);
  }
  const sel = withOverrides(index.select(prefix, opts.startAfter), prefix, opts.startAfter, overrides);
  const snapshot = sel.bodies.includes(undefined) ? index.snapshot() : undefined;
  const reader = new ChunkReader(sel, snapshot);
  const n = sel.keys.length;

  try {
    const items: KubeObject[] = [];
    let i = 0;
    for (; i < n && items.length < limit; i++) {
      const obj = parseSelected(await reader.take(i), opts.predicate);
      if (obj) items.push(obj);
    }
    const result: ListResult = { items, resourceVersion: at };
    if (items.length > 0 && i < n && (await hasMore(reader, i, n, opts))) {
      result.lastKey = sel.keys[i - 1];
      if (!opts.predicate) result.remainingItemCount = n - i;
    }
    return result;
  } finally {
    reader.close();
  }
}

/**
 * The parsed list of a view's keys the predicate accepts, up to `limit`, read a chunk at a time; the same result
 * as the scan of a selection below.
 */
async function scanView(view: KeyView, at: number, limit: number, opts: ListOptions): Promise<ListResult> {
  const items: KubeObject[] = [];
  const cursor: ViewCursor = { window: { keys: [], rvs: [], bodies: [] }, start: 0 };
  let lastKey: string | undefined;
  try {
    for await (const window of walkView(view, cursor)) {
      for (let k = 0; k < window.keys.length; k++) {
        const obj = parseSelected(window.bodies[k] as string, opts.predicate);
        if (!obj) continue;
        if (items.length === limit) {
          // A match past the page: the list continues after the page's last item.
          return { items, resourceVersion: at, lastKey, ...(opts.predicate ? {} : { remainingItemCount: view.length - cursor.start - k }) };
        }
        items.push(obj);
        lastKey = window.keys[k];
      }
    }
    return { items, resourceVersion: at };
  } finally {
    view.snapshot.close();
  }
}

/** Whether an item after `from` would be listed: any, without a predicate; else the first that matches. */
async function hasMore(reader: ChunkReader, from: number, n: number, opts: ListOptions): Promise<boolean> {
  if (!opts.predicate) return true;
  for (let i = from; i < n; i++) {
    if (parseSelected(await reader.take(i), opts.predicate)) return true;
  }
  return false;
}

/** How many keys the overrides add to the list (less those they take out): the snapshot's count less now's. */
function addedBy(index: ObjectIndex, overrides: Overrides | undefined, prefix: string, startAfter: string | undefined): number {
  let added = 0;
  for (const [key, then] of overrides ?? []) {
    if (!key.startsWith(prefix) || (startAfter !== undefined && key <= startAfter)) continue;
    const now = index.has(key);
    if (then === null && now) added--;
    else if (then !== null && !now) added++;
  }
  return added;
}

/** The selection with the snapshot's values in place of the current ones: merged by key, null dropping a key. */
function withOverrides(sel: Selection, prefix: string, startAfter: string | undefined, overrides: Overrides | undefined): Selection {
  if (!overrides || overrides.size === 0) return sel;
  const extra = [...overrides.keys()].filter((k) => k.startsWith(prefix) && (startAfter === undefined || k > startAfter)).sort();
  if (extra.length === 0) return sel;
  const keys: string[] = [];
  const rvs: number[] = [];
  const bodies: (string | undefined)[] = [];
  const take = (key: string, rv: number, body: string | undefined): void => {
    if (overrides.has(key)) {
      const then = overrides.get(key);
      if (then === null || then === undefined) return;
      body = then;
      rv = -1;
    }
    keys.push(key);
    rvs.push(rv);
    bodies.push(body);
  };
  let i = 0;
  let j = 0;
  while (i < sel.keys.length || j < extra.length) {
    const x = sel.keys[i];
    const y = extra[j];
    if (y === undefined || (x !== undefined && x < y)) {
      take(x as string, sel.rvs[i] as number, sel.bodies[i]);
      i++;
    } else if (x === undefined || y < x) {
      take(y, -1, undefined);
      j++;
    } else {
      take(x, sel.rvs[i] as number, sel.bodies[i]);
      i++;
      j++;
    }
  }
  return { keys, rvs, bodies };
}

/** Reads the bodies memory did not hold, a chunk at a time, from the read view taken with the selection (exported for its test). */
export class ChunkReader {
  private closed = false;

  constructor(
    private readonly sel: Selection,
    private readonly snapshot: BodySnapshot | undefined,
  ) {}

  /**
   * Body `i`, read once: the reader lets go of it, so a list that scans every object for the few its selector
   * matches holds a chunk of bodies at a time, not all of them.
   */
  async take(i: number): Promise<string> {
    if (this.sel.bodies[i] === undefined) await this.fill(i, Math.min(i + CHUNK, this.sel.keys.length));
    const body = this.sel.bodies[i] as string;
    this.sel.bodies[i] = undefined;
    return body;
  }

  /** The first `count` bodies, a chunk at a time; each chunk's bodies are dropped once handed out. */
  rawItems(count: number, listLength?: number): RawItems {
    const chunks = async function* (this: ChunkReader, skip?: (i: number) => boolean): AsyncGenerator<(string | undefined)[]> {
      try {
        for (let i = 0; i < count; i += CHUNK) {
          const end = Math.min(i + CHUNK, count);
          if (skip) for (let k = i; k < end; k++) if (skip(k)) this.sel.bodies[k] = SKIPPED;
          await this.fill(i, end);
          const out = this.sel.bodies.slice(i, end).map((b) => (b === SKIPPED ? undefined : b));
          this.sel.bodies.fill(undefined, i, end);
          yield out;
        }
      } finally {
        this.close();
      }
    };
    return {
      length: count,
      ...(listLength !== undefined && listLength !== count ? { listLength } : {}),
      keyOf: (i) => this.sel.keys[i] as string,
      resourceVersionOf: (i) => this.sel.rvs[i] as number,
      chunks: chunks.bind(this),
      close: () => this.close(),
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.snapshot?.close();
  }

  private fill(from: number, to: number): Promise<void> {
    return readMissing(this.sel, from, to, this.closed ? undefined : this.snapshot);
  }
}

/** Reads into `sel` the bodies of `from`..`to` it does not hold. */
async function readMissing(sel: Selection, from: number, to: number, snapshot: BodySnapshot | undefined): Promise<void> {
  const missing: number[] = [];
  for (let i = from; i < to; i++) if (sel.bodies[i] === undefined) missing.push(i);
  if (missing.length === 0) return;
  if (!snapshot) throw new Error('storage: the list was read after it was closed');
  const read = await snapshot.read(missing.map((i) => sel.keys[i] as string));
  missing.forEach((idx, n) => {
    const body = read[n];
    if (body === undefined) throw new Error(`storage: ${sel.keys[idx]} is missing from disk`);
    sel.bodies[idx] = body;
  });
}

/** Where a read of a view is: its chunk of keys and bodies, and the index of the chunk's first key. */
interface ViewCursor {
  window: Selection;
  start: number;
}

/**
 * Moves `cursor` through every key of `view` a chunk at a time and yields each chunk once its bodies are read,
 * but for those `skip` marks (asked once the cursor is at their chunk). `open`: whether the view may still be read.
 */
async function* walkView(
  view: KeyView,
  cursor: ViewCursor,
  skip?: (i: number) => boolean,
  open = (): boolean => true,
): AsyncGenerator<Selection> {
  for (let i = 0; i < view.length; i += CHUNK) {
    const window = view.next(cursor.window.keys.at(-1), Math.min(CHUNK, view.length - i));
    cursor.window = window;
    cursor.start = i;
    const n = window.keys.length;
    if (n === 0) throw new Error('storage: a list view ended before its length');
    if (skip) for (let k = 0; k < n; k++) if (skip(i + k)) window.bodies[k] = SKIPPED;
    await readMissing(window, 0, n, open() ? view.snapshot : undefined);
    yield window;
  }
}

/** Every key of a view, a chunk of keys and bodies at a time; item `i`'s key is known while its chunk is read. */
function viewItems(view: KeyView): RawItems {
  const cursor: ViewCursor = { window: { keys: [], rvs: [], bodies: [] }, start: 0 };
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    view.snapshot.close();
  };
  return {
    length: view.length,
    keyOf: (i) => cursor.window.keys[i - cursor.start] as string,
    resourceVersionOf: (i) => cursor.window.rvs[i - cursor.start] as number,
    close,
    async *chunks(skip) {
      try {
        for await (const window of walkView(view, cursor, skip, () => !closed))
          yield window.bodies.map((b) => (b === SKIPPED ? undefined : b));
      } finally {
        close();
      }
    },
  };
}
