/**
 * Pruning: removes every field the structural schema does not specify (unless
 * `x-kubernetes-preserve-unknown-fields`), as apiextensions-apiserver does before storing, and returns
 * their paths for fieldValidation (`spec.foo`, `spec.items[0].bar`).
 */
import { isPlainObject } from '../../apimachinery/types.js';
import type { JSONSchemaProps } from '../definitions/types.js';

const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

export function prune(obj: unknown, schema: JSONSchemaProps): string[] {
  const removed: string[] = [];
  walk(obj, schema, '', true, removed);
  return removed;
}

function walk(value: unknown, schema: JSONSchemaProps | undefined, path: string, isResource: boolean, removed: string[]): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    const items = schema.items;
    value.forEach((v, i) => {
      walk(v, items, `${path}[${i}]`, Boolean(items?.['x-kubernetes-embedded-resource']), removed);
    });
    return;
  }
  if (!isPlainObject(value)) return;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const additional = isPlainObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined;
  for (const key of Object.keys(value)) {
    const child = path ? `${path}.${key}` : key;
    // A resource's metadata is ObjectMeta whatever the schema says; the decoder checks its fields.
    if (isResource && key === 'metadata') continue;
    const sub = schema.properties?.[key] ?? additional;
    if (sub) {
      walk(value[key], sub, child, Boolean(sub['x-kubernetes-embedded-resource']), removed);
      continue;
    }
    // apiVersion, kind and metadata belong to every resource, embedded ones included.
    if (isResource && ROOT_FIELDS.has(key)) continue;
    if (preserve || schema.additionalProperties === true) continue;
    delete value[key];
    removed.push(child);
  }
}
