/**
 * Table rows of stored objects, by the object's key and resourceVersion, for lists served in the storage
 * version: a Table list (what `kubectl get` asks for) then reads, parses and walks only the objects written
 * since it last saw them, and a row it has is written from text without reading the object at all. Each cell
 * is kept as its JSON text; a date column keeps the time it counts from, rendered as an age per request.
 * Bounded by bytes, least recently used out first.
 */
import { LRUCache } from 'lru-cache';
import type { KubeObject } from '../../apimachinery/types.js';
import type { VersionDefinition } from '../../registry/definitions/types.js';
import { humanDuration } from './human-duration.js';
import { rowTemplate } from './table.js';

/** A row rendered but for its ages: each cell's JSON text, or a date cell's time in ms; the object's JSON text. */
export interface CachedRow {
  cells: (string | number)[];
  object: string;
}

/** A cached row and the resourceVersion of the object it was made from. */
interface Entry {
  rv: number;
  row: CachedRow;
}

const MAX_BYTES = 32 * 1024 * 1024;

const caches = new WeakMap<VersionDefinition, Map<string, LRUCache<string, Entry>>>();

/**
 * Rows by the object's key (a long-lived string, whose hash V8 keeps: no key is built per row), one per object;
 * a write's new resourceVersion replaces its row.
 */
function cacheFor(version: VersionDefinition, includeObject: string): LRUCache<string, Entry> {
  let byInclude = caches.get(version);
  if (!byInclude) {
    byInclude = new Map();
    caches.set(version, byInclude);
  }
  let cache = byInclude.get(includeObject);
  if (!cache) {
    cache = new LRUCache<string, Entry>({
      maxSize: MAX_BYTES,
      sizeCalculation: (e, key) => key.length + e.row.object.length + e.row.cells.reduce<number>((n, c) => n + String(c).length + 16, 72),
    });
    byInclude.set(includeObject, cache);
  }
  return cache;
}

/**
 * The cached row of the object stored under `key` at `resourceVersion` (-1: not known, never cached). Read without
 * counting as a use: a list is a scan, and reading every row of a collection would only reorder the cache.
 */
export function peekRow(version: VersionDefinition, includeObject: string, key: string, resourceVersion: number): CachedRow | undefined {
  if (resourceVersion < 0) return undefined;
  const e = cacheFor(version, includeObject).peek(key);
  return e?.rv === resourceVersion ? e.row : undefined;
}

/** The row of the object stored as `raw` under `key` at `resourceVersion`, in `version` (the storage version). */
export function rowOf(version: VersionDefinition, includeObject: string, key: string, resourceVersion: number, raw: string): CachedRow {
  const cached = peekRow(version, includeObject, key, resourceVersion);
  if (cached) return cached;
  const template = rowTemplate(JSON.parse(raw) as KubeObject, version, includeObject);
  const row: CachedRow = {
    cells: template.cells.map((c) => {
      if (c === null || typeof c !== 'object' || !('date' in c)) return JSON.stringify(c);
      const date = (c as { date: unknown }).date;
      if (typeof date !== 'string') return 'null';
      const t = Date.parse(date);
      return Number.isNaN(t) ? '"<invalid>"' : t;
    }),
    object: JSON.stringify(template.object),
  };
  if (resourceVersion >= 0) cacheFor(version, includeObject).set(key, { rv: resourceVersion, row });
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
