/**
 * A list over the in-memory index, at the current state or at an older resourceVersion (the current objects
 * with the newer events undone, given as `overrides`): a consistent snapshot, paged by key.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { ListOptions, ListResult, Predicate } from '../interfaces.js';
import type { ObjectIndex } from './object-index.js';

/** Keys whose value at the snapshot differs from now: their JSON then, or null where they did not exist. */
export type Overrides = Map<string, string | null>;

export function listSnapshot(
  index: ObjectIndex,
  prefix: string,
  at: number,
  overrides: Overrides | undefined,
  opts: ListOptions,
): ListResult {
  const candidates = overrides
    ? mergeSorted(
        index.range(prefix, opts.startAfter),
        [...overrides.keys()].filter((k) => k.startsWith(prefix) && (opts.startAfter === undefined || k > opts.startAfter)).sort(),
      )
    : index.range(prefix, opts.startAfter);
  const valueAt = (key: string): string | undefined => (overrides?.has(key) ? (overrides.get(key) ?? undefined) : index.get(key)?.json);
  const items: KubeObject[] = [];
  const raw = opts.raw && !opts.predicate ? ([] as string[]) : undefined;
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  let lastKey: string | undefined;
  let count = 0;
  let i = 0;
  for (; i < candidates.length && count < limit; i++) {
    const key = candidates[i] as string;
    const json = valueAt(key);
    if (json === undefined) continue;
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
  const result: ListResult = { items, resourceVersion: at, ...(raw ? { rawItems: raw } : {}) };
  if (i < candidates.length && lastKey !== undefined && hasMore(candidates, i, valueAt, opts.predicate)) {
    result.lastKey = lastKey;
    if (!opts.predicate) result.remainingItemCount = countRemaining(candidates, i, valueAt);
  }
  return result;
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
    if (y === undefined || (x !== undefined && x < y)) {
      out.push(x as string);
      i++;
    } else if (x === undefined || y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

function hasMore(keys: string[], from: number, valueAt: (k: string) => string | undefined, predicate: Predicate | undefined): boolean {
  for (let i = from; i < keys.length; i++) {
    const json = valueAt(keys[i] as string);
    if (json === undefined) continue;
    if (!predicate || predicate(JSON.parse(json) as KubeObject)) return true;
  }
  return false;
}

function countRemaining(keys: string[], from: number, valueAt: (k: string) => string | undefined): number {
  let n = 0;
  for (let i = from; i < keys.length; i++) if (valueAt(keys[i] as string) !== undefined) n++;
  return n;
}
