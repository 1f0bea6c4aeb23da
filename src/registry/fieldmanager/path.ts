/**
 * fieldpath.PathElement: one step of a field path (a field name, a map-list item's key, a set-list item's
 * value, or a list index), its order, and the strings FieldsV1 names it by (`f:`, `k:`, `v:`, `i:`).
 */
import { compareStrings, compareValues, encodeValue, quoteJSON, type Value, valueToString } from './value.js';

/** One key field of a map-list item (value.Field). */
export interface KeyField {
  readonly name: string;
  readonly value: Value;
}

export type PathElement =
  | { readonly fieldName: string }
  | { readonly key: readonly KeyField[] }
  | { readonly value: Value }
  | { readonly index: number };

export type Path = readonly PathElement[];

export function fieldName(name: string): PathElement {
  return { fieldName: name };
}

/** A map-list item's key; fields are sorted by name, as value.FieldList.Sort does (stable). */
export function keyElement(fields: Record<string, Value> | readonly KeyField[]): PathElement {
  const list = Array.isArray(fields)
    ? [...(fields as readonly KeyField[])]
    : Object.entries(fields as Record<string, Value>).map(([name, value]) => ({ name, value }));
  list.sort((a, b) => compareStrings(a.name, b.name));
  return { key: list };
}

export function valueElement(value: Value): PathElement {
  return { value };
}

export function indexElement(index: number): PathElement {
  return { index };
}

/** A path from names (strings) and indexes (numbers), like fieldpath.MakePathOrDie for the common cases. */
export function makePath(...parts: (string | number | PathElement)[]): Path {
  return parts.map((p) => (typeof p === 'string' ? fieldName(p) : typeof p === 'number' ? indexElement(p) : p));
}

function compareKeys(a: readonly KeyField[], b: readonly KeyField[]): number {
  for (let i = 0; ; i++) {
    if (i >= a.length && i >= b.length) return 0;
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const c = compareStrings(a[i]!.name, b[i]!.name) || compareValues(a[i]!.value, b[i]!.value);
    if (c !== 0) return c;
  }
}

/** PathElement.Compare: field names first, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if ('fieldName' in a) return 'fieldName' in b ? compareStrings(a.fieldName, b.fieldName) : -1;
  if ('fieldName' in b) return 1;
  if ('key' in a) return 'key' in b ? compareKeys(a.key, b.key) : -1;
  if ('key' in b) return 1;
  if ('value' in a) return 'value' in b ? compareValues(a.value, b.value) : -1;
  if ('value' in b) return 1;
  return a.index === b.index ? 0 : a.index < b.index ? -1 : 1;
}

export function comparePaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePathElements(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** The human-readable form fieldpath uses in conflict messages: `.spec.ports[port=80]`, `[="a"]`, `[0]`. */
export function pathToString(path: Path): string {
  return path
    .map((pe) => {
      if ('fieldName' in pe) return `.${pe.fieldName}`;
      if ('key' in pe) return `[${pe.key.map((f) => `${f.name}=${valueToString(f.value)}`).join(',')}]`;
      if ('value' in pe) return `[=${valueToString(pe.value)}]`;
      return `[${pe.index}]`;
    })
    .join('');
}

/**
 * SerializePathElement. The field name after `f:` is written raw; key field names are written as JSON
 * object fields (no HTML escaping) and values as JSON values (HTML escaped), as json-iterator does.
 */
export function serializePathElement(pe: PathElement): string {
  if ('fieldName' in pe) return `f:${pe.fieldName}`;
  if ('key' in pe) return `k:{${pe.key.map((f) => `${quoteJSON(f.name, false)}:${encodeValue(f.value)}`).join(',')}}`;
  if ('value' in pe) return `v:${encodeValue(pe.value)}`;
  return `i:${pe.index}`;
}

/** Returned by deserializePathElement for a type letter other than f, k, v, i: readers skip such keys. */
export class UnknownPathElementTypeError extends Error {
  constructor() {
    super('unknown path element type');
  }
}

function parseJSON(text: string): Value {
  try {
    return JSON.parse(text) as Value;
  } catch (err) {
    // json-iterator names what it found; JSON.parse's message says the same in V8's words.
    throw new Error(`managedFields parsing: ${(err as Error).message}`);
  }
}

/** strconv.Atoi: an optional sign and decimal digits (leading zeros allowed), within int64. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return Number(n);
}

/** DeserializePathElement, with upstream's messages. */
export function deserializePathElement(s: string): PathElement {
  // Go looks at the first two bytes of the UTF-8 text, so a non-ASCII first character is a missing colon.
  if (Buffer.byteLength(s) < 2) throw new Error('key must be 2 characters long:');
  if (s.charCodeAt(0) >= 0x80 || s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { fieldName: rest };
    case 'v':
      return { value: parseJSON(rest) };
    case 'k': {
      const obj = parseJSON(rest);
      if (obj === null) return { key: [] };
      if (typeof obj !== 'object' || Array.isArray(obj)) throw new Error('ReadObjectCB: expect { or n, but found a non-object');
      return keyElement(obj);
    }
    case 'i':
      return { index: atoi(rest) };
    default:
      throw new UnknownPathElementTypeError();
  }
}
