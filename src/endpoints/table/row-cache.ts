/**
 * Table rows of stored objects, by the object's key and resourceVersion, for lists served in the storage
 * version: a Table list (what `kubectl get` asks for) then reads, parses and walks only the objects written
 * since it last saw them, and a row it has is written from text without reading the object at all. Each cell
 * is kept as its JSON text; a date column keeps the time it counts from, rendered as an age per request.
 * Bounded by bytes.
 */
import { parseObject } from '../../apimachinery/parse-object.js';
import type { VersionDefinition } from '../../registry/definitions/types.js';
import { humanDuration } from './human-duration.js';
import { rowTemplate } from './table.js';

/** A row rendered but for its ages: each cell's JSON text, or a date cell's time in ms; the object's JSON text. */
export interface CachedRow {
  cells: (string | number)[];
  object: string;
  /** Whether every age counts from a whole second, so that its text stays the same through a second of the clock. */
  wholeSeconds: boolean;
  /** The row as it was last written out, as bytes, and the second of the clock whose ages it shows. */
  bytes?: Buffer;
  second?: number;
}

/** A cached row, the resourceVersion of the object it was made from, and what it costs in memory. */
interface Entry {
  rv: number;
  row: CachedRow;
  size: number;
}

const MAX_BYTES = 32 * 1024 * 1024;

/**
 * The rows of one version and includeObject, by the object's key (a long-lived string, whose hash V8 keeps: no
 * key is built per row), one per object; a write's new resourceVersion replaces its row. Bounded by bytes, the
 * least recently made out first. A Map, not an LRU: a list reads every row, and reading must not reorder
 * anything (lru-cache's `peek` was 8% of a 10,000-row Table).
 */
export class RowCache {
  private readonly rows = new Map<string, Entry>();
  private bytes = 0;
  /**
   * Where the next row to make out is: one iterator for every eviction. A Map keeps a deleted entry's slot until
   * it is rehashed, so a new iterator per eviction stepped over every row made out before: 15 us per row set in
   * a full cache of 20,000, against 0.3.
   */
  private evictor: MapIterator<[string, Entry]> | undefined;

  constructor(private readonly maxBytes = MAX_BYTES) {}

  /** The row of the object stored under `key` at `resourceVersion` (-1: not known, never cached). */
  peek(key: string, resourceVersion: number): CachedRow | undefined {
    if (resourceVersion < 0) return undefined;
    const e = this.rows.get(key);
    return e !== undefined && e.rv === resourceVersion ? e.row : undefined;
  }

  set(key: string, resourceVersion: number, row: CachedRow): void {
    const old = this.rows.get(key);
    if (old) {
      this.rows.delete(key);
      this.bytes -= old.size;
    }
    // The object's text counts twice: once as a string, once in the row's bytes.
    const size = key.length + 2 * row.object.length + row.cells.reduce<number>((n, c) => n + 2 * String(c).length + 16, 96);
    if (size > this.maxBytes) return;
    this.rows.set(key, { rv: resourceVersion, row, size });
    this.bytes += size;
    while (this.bytes > this.maxBytes) {
      let next = this.evictor?.next();
      // Rows are set at the end and made out from the front, so the iterator stays before every live row; one
      // that ever reached the end stays there, and a new one starts from the oldest.
      if (!next || next.done) {
        this.evictor = this.rows.entries();
        next = this.evictor.next();
      }
      if (next.done) break;
      const [k, e] = next.value;
      this.rows.delete(k);
      this.bytes -= e.size;
    }
  }

  /**
   * Whether rows of `count` objects fit: a list larger than the cache would make out each row it cached before
   * the next list came back to it, and every row made out is old-generation garbage (a Table of 100,000 rows
   * peaked at 331 MiB). The size of a row is the mean of those cached, or 1 KB before any.
   */
  fits(count: number): boolean {
    const perRow = this.rows.size > 0 ? this.bytes / this.rows.size : 1024;
    return count * perRow <= this.maxBytes;
  }

  get totalBytes(): number {
    return this.bytes;
  }
}

const caches = new WeakMap<VersionDefinition, Map<string, RowCache>>();

/** The row cache of `version`'s objects with `includeObject`. */
export function rowCacheFor(version: VersionDefinition, includeObject: string): RowCache {
  let byInclude = caches.get(version);
  if (!byInclude) {
    byInclude = new Map();
    caches.set(version, byInclude);
  }
  let cache = byInclude.get(includeObject);
  if (!cache) {
    cache = new RowCache();
    byInclude.set(includeObject, cache);
  }
  return cache;
}

/**
 * The row of the object stored as `raw` under `key` at `resourceVersion`, in `version`; kept in the cache when
 * `remember` (see RowCache.fits).
 */
export function rowOf(
  version: VersionDefinition,
  includeObject: string,
  key: string,
  resourceVersion: number,
  raw: string,
  remember = true,
): CachedRow {
  const cache = rowCacheFor(version, includeObject);
  const cached = cache.peek(key, resourceVersion);
  if (cached) return cached;
  const template = rowTemplate(parseObject(raw), version, includeObject);
  const cells = template.cells.map((c) => {
    if (c === null || typeof c !== 'object' || !('date' in c)) return JSON.stringify(c);
    const date = (c as { date: unknown }).date;
    if (typeof date !== 'string') return 'null';
    const t = Date.parse(date);
    return Number.isNaN(t) ? '"<invalid>"' : t;
  });
  const wholeSeconds = cells.every((c) => typeof c === 'string' || c % 1000 === 0);
  const row: CachedRow = { cells, object: JSON.stringify(template.object), wholeSeconds };
  if (remember && resourceVersion >= 0) cache.set(key, resourceVersion, row);
  return row;
}

/** The row's cells as JSON text, ages counted to `now`. */
export function cellsJson(row: CachedRow, now: number): string {
  let out = '[';
  for (let i = 0; i < row.cells.length; i++) {
    const c = row.cells[i] as string | number;
    out += (i > 0 ? ',' : '') + (typeof c === 'string' ? c : `"${humanDuration(now - c)}"`);
  }
  return `${out}]`;
}

/**
 * The row as a Table's JSON writes it after a comma (`,{"cells":[...],"object":...}`), as bytes, ages counted to
 * `now`: rows are written one after another, and the first of a body drops its comma. Ages are whole seconds
 * (as kubectl's), so a row whose ages count from whole seconds (creationTimestamp always does) reads the same
 * through a second of the clock: it is encoded once per second, not once per request, and a Table of 10,000
 * rows is mostly a copy of bytes.
 */
export function rowBytes(row: CachedRow, now: number): Buffer {
  const second = Math.floor(now / 1000);
  if (row.bytes && row.second === second) return row.bytes;
  const bytes = Buffer.from(`,{"cells":${cellsJson(row, now)},"object":${row.object}}`);
  if (row.wholeSeconds) {
    row.bytes = bytes;
    row.second = second;
  }
  return bytes;
}
