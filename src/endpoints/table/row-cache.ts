/**
 * Table rows of stored objects, by the objects' stored JSON text, for lists served in the storage version: a
 * Table list (what `kubectl get` asks for) then parses and walks only the objects written since it last saw
 * them. The text is the watch cache's own string and V8 keeps a string's hash in it, so a hit is a lookup.
 * Ages are rendered per request. Bounded by bytes (the texts it holds count), least recently used out first.
 */
import { LRUCache } from 'lru-cache';
import type { KubeObject } from '../../apimachinery/types.js';
import type { VersionDefinition } from '../../registry/definitions/types.js';
import { type RowTemplate, rowTemplate } from './table.js';

/** A row whose object is already JSON text. */
export interface CachedRow {
  cells: RowTemplate['cells'];
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
      sizeCalculation: (row, raw) => raw.length + row.object.length + 64,
    });
    byInclude.set(includeObject, cache);
  }
  return cache;
}

/** The row of the object stored as `raw`, in `version` (the storage version, so no conversion). */
export function cachedRow(version: VersionDefinition, includeObject: string, raw: string): CachedRow {
  const cache = cacheFor(version, includeObject);
  let row = cache.get(raw);
  if (!row) {
    const template = rowTemplate(JSON.parse(raw) as KubeObject, version, includeObject);
    row = { cells: template.cells, object: JSON.stringify(template.object) };
    cache.set(raw, row);
  }
  return row;
}
