/**
 * Which old list item a new one is compared with in transition rules (apiserver's cel/common `MakeMapList`):
 * only `x-kubernetes-list-type: map` items correlate, by their map keys; the first old item with a key wins.
 * Set and atomic list items have no old value.
 */
import { isPlainObject } from '../../../apimachinery/types.js';
import type { JSONSchemaProps } from '../../definitions/json-schema.js';

/** Go's `%f` of a float64 key, as upstream's composite key prints it. */
const goF = (n: number): string => n.toFixed(6);

function compositeKey(obj: Record<string, unknown>, keys: string[]): string | undefined {
  let out = '';
  for (const k of keys) {
    const v = obj[k];
    if (typeof v === 'string') out += `\0s${JSON.stringify(v)}`;
    else if (typeof v === 'boolean') out += `\0b${v}`;
    else if (typeof v === 'number') out += Number.isInteger(v) ? `\0i${v}` : `\0f${goF(v)}`;
    else return undefined;
  }
  return out;
}

export function correlateListItems(schema: JSONSchemaProps, old: unknown[] | undefined): (item: unknown) => unknown {
  const keys = schema['x-kubernetes-list-map-keys'] as string[] | undefined;
  if (!old || schema['x-kubernetes-list-type'] !== 'map' || !keys || keys.length === 0) return () => undefined;
  const byKey = new Map<string, unknown>();
  for (const item of old) {
    if (!isPlainObject(item)) continue;
    const key = compositeKey(item, keys);
    if (key !== undefined && !byKey.has(key)) byKey.set(key, item);
  }
  return (item) => {
    if (!isPlainObject(item)) return undefined;
    const key = compositeKey(item, keys);
    return key === undefined ? undefined : byKey.get(key);
  };
}
