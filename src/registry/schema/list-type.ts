/**
 * `x-kubernetes-list-type: set` and `map` uniqueness (apiextensions' listtype.ValidateListSetsAndMaps): each
 * repeated item of a set, and each item of a map list whose `x-kubernetes-list-map-keys` repeat, is a
 * `Duplicate value` at its index, reported once per repeated value (at its second appearance), with the
 * value as Go's JSON prints it.
 */
import type { FieldError } from '../../apimachinery/errors.js';
import { goMarshal } from '../../apimachinery/go-format.js';
import { isPlainObject } from '../../apimachinery/types.js';
import type { JSONSchemaProps } from '../definitions/types.js';

/** field.Duplicate's message: the value as Go's JSON marshals it (map keys sorted). */
function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${goMarshal(value)}` };
}

/** The indexes where a value appears the second time (later repeats are not reported again). */
function nonUnique(items: readonly unknown[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  items.forEach((x, i) => {
    // Go's json.Marshal (keys sorted), as upstream compares compound items.
    const key = x === UNSPECIFIED ? '\u0000unspecified' : goMarshal(x);
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

const UNSPECIFIED = Symbol('unspecified key');
const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

export function validateListSetsAndMaps(obj: unknown, schema: JSONSchemaProps | undefined, path = ''): FieldError[] {
  if (!schema) return [];
  if (Array.isArray(obj)) return validateArray(obj, schema, path);
  if (!isPlainObject(obj)) return [];
  const errs: FieldError[] = [];
  const ap = schema.additionalProperties;
  for (const [k, v] of Object.entries(obj)) {
    if (typeof ap === 'object' && ap !== null) errs.push(...validateListSetsAndMaps(v, ap, path ? `${path}[${k}]` : k));
    const sub = schema.properties?.[k];
    if (sub) errs.push(...validateListSetsAndMaps(v, sub, join(path, k)));
  }
  return errs;
}

function validateArray(obj: unknown[], schema: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set') {
    for (const i of nonUnique(obj)) errs.push(duplicate(`${path}[${i}]`, obj[i]));
  } else if (listType === 'map') {
    errs.push(...validateListMap(obj, (schema['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [], path));
  }
  const items = schema.items;
  if (items) {
    obj.forEach((item, i) => {
      errs.push(...validateListSetsAndMaps(item, items, `${path}[${i}]`));
    });
  }
  return errs;
}

function validateListMap(obj: unknown[], keys: string[], path: string): FieldError[] {
  const bad = obj.findIndex((x) => x !== null && !isPlainObject(x));
  if (bad >= 0) {
    const x = obj[bad];
    return [
      {
        type: 'FieldValueInvalid',
        field: `${path}[${bad}]`,
        message: `Invalid value: ${goMarshal(x)}: must be an object for an array of list-type map`,
      },
    ];
  }
  if (obj.length <= 1) return [];
  const keyOf = (x: unknown): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (!isPlainObject(x)) return out;
    for (const k of keys) if (Object.hasOwn(x, k)) out[k] = x[k];
    return out;
  };
  if (keys.length === 1) {
    const [field] = keys as [string];
    const values = obj.map((x) => (isPlainObject(x) && Object.hasOwn(x, field) ? x[field] : UNSPECIFIED));
    return nonUnique(values).map((i) => duplicate(`${path}[${i}]`, values[i] === UNSPECIFIED ? {} : { [field]: values[i] }));
  }
  const values = obj.map(keyOf);
  return nonUnique(values).map((i) => duplicate(`${path}[${i}]`, values[i]));
}
