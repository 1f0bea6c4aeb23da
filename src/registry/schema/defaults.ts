/**
 * Applies the schema's `default`s: a missing property of an object that is present gets (a copy of) its
 * default, and defaulting continues inside the value, as apiextensions-apiserver's structural defaulting.
 */
import { isPlainObject } from '../../apimachinery/types.js';
import type { JSONSchemaProps } from '../definitions/types.js';

export function applyDefaults(value: unknown, schema: JSONSchemaProps): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applyDefaults(item, schema.items);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (value[key] === undefined && sub.default !== undefined) value[key] = structuredClone(sub.default);
    if (value[key] !== undefined) applyDefaults(value[key], sub);
  }
  if (isPlainObject(schema.additionalProperties)) {
    for (const v of Object.values(value)) applyDefaults(v, schema.additionalProperties as JSONSchemaProps);
  }
}
