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

const MAX_BYTES = 32 * 1024 * 1024;

const caches = new WeakMap<VersionDefinition, Map<string, LRUCache<string, CachedRow>>>();

function cacheFor(version: VersionDefinition, includeObject: string): LRUCache<string, CachedRow> {
  let byInclude = caches.get(version);
  if (!byInclude) {
    byInclude = new Map();
    caches.set(version, byInclude);
  }
  let cache = byInclude.get(includeObject);
  if (!cache) {
    cache = new LRUCache<string, CachedRow>({
      maxSize: MAX_BYTES,
      sizeCalculation: (row, id) => id.length + row.object.length + row.cells.reduce<number>((n, c) => n + String(c).length + 16, 64),
    });
    byInclude.set(includeObject, cache);
  }
  return cache;
}

/** What names a stored object's text: its key at its resourceVersion; none when the resourceVersion is unknown. */
export function rowId(key: string, resourceVersion: number): string | undefined {
  return resourceVersion < 0 ? undefined : `${resourceVersion} ${key}`;
}

/** The cached row of the object `id` names, if any. */
export function peekRow(version: VersionDefinition, includeObject: string, id: string | undefined): CachedRow | undefined {
  return id === undefined ? undefined : cacheFor(version, includeObject).get(id);
}

/** The row of the object stored as `raw` (named `id`), in `version` (the storage version, so no conversion). */
export function rowOf(version: VersionDefinition, includeObject: string, id: string | undefined, raw: string): CachedRow {
  const cached = peekRow(version, includeObject, id);
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
  if (id !== undefined) cacheFor(version, includeObject).set(id, row);
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
