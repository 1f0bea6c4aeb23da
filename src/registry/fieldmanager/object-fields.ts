/**
 * The set of fields an object sets, given its resource's schema: structured-merge-diff's
 * TypedValue.ToFieldSet, the set an applier comes to own. Granular maps and lists contribute their
 * fields and items; atomic ones, scalars and nulls are owned as a whole.
 */
import type { JSONSchemaProps } from '../definitions/types.js';
import { fieldName, type KeyField, keyElement, type PathElement, pathToString, serializePathElement } from './path.js';
import { type Atom, type ListAtom, type MapAtom, resourceAtom } from './schema-atoms.js';
import { type FieldSet, SetBuilder } from './set.js';
import type { Value } from './value.js';

/** The object does not fit its schema in a way that leaves its fields undefined. */
export class FieldSetError extends Error {}

export type JSONObject = { [key: string]: Value };

export function isObject(v: Value | undefined): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** deduceAtom: of a node that could be several kinds, the kind of the value found there. */
export function deduce(atom: Atom, v: Value | undefined): Atom {
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return atom.scalar ? { scalar: true } : atom;
  if (Array.isArray(v)) return atom.list ? { list: atom.list } : atom;
  if (isObject(v)) return atom.map ? { map: atom.map } : atom;
  return atom;
}

function walk(atom: Atom, v: Value, path: PathElement[], out: SetBuilder): void {
  const a = deduce(atom, v);
  if (a.map) walkMap(a.map, v, path, out);
  else if (a.scalar) out.insert(path);
  else if (a.list) walkList(a.list, v, path, out);
  else throw new FieldSetError(`${pathToString(path)}: field not declared in schema`);
}

/**
 * A declared field is owned itself only when it holds null or `{}` (nothing below it to own); a key the
 * schema does not name (a label, an additionalProperties key, a preserved unknown field) always is.
 */
function walkMap(t: MapAtom, v: Value, path: PathElement[], out: SetBuilder): void {
  if (t.atomic) {
    out.insert(path);
    return;
  }
  if (!isObject(v)) return;
  for (const [key, child] of Object.entries(v)) {
    const field = t.fields.get(key);
    const p = [...path, fieldName(key)];
    walk(field ? field.atom() : t.element(), child, p, out);
    if (child === null || (isObject(child) && Object.keys(child).length === 0) || !field) out.insert(p);
  }
}

/**
 * Items of a set or map list are owned each, and their fields below them. An item that appears twice
 * is owned whole, without its fields, since no one can own one copy's fields apart from the other's.
 */
function walkList(t: ListAtom, v: Value, path: PathElement[], out: SetBuilder): void {
  if (t.atomic) {
    out.insert(path);
    return;
  }
  if (!Array.isArray(v)) return;
  const elements = v.map((item) => itemElement(t, item, path));
  const names = elements.map(serializePathElement);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  names.forEach((name, i) => {
    if (!seen.has(name)) seen.add(name);
    else if (!duplicates.has(name)) {
      duplicates.add(name);
      out.insert([...path, elements[i]!]);
    }
  });
  v.forEach((item, i) => {
    if (duplicates.has(names[i]!)) return;
    const p = [...path, elements[i]!];
    walk(t.element(), item, p, out);
    out.insert(p);
  });
}

/** listItemToPathElement: a set-list item is named by its value, a map-list item by its key fields. */
export function itemElement(t: ListAtom, item: Value, path: readonly PathElement[]): PathElement {
  const at = pathToString(path);
  if (t.keys.length === 0) {
    if (item === null) throw new FieldSetError(`${at}: associative list without keys has an element that's an explicit null`);
    if (Array.isArray(item)) throw new FieldSetError(`${at}: not supported: associative list with lists as elements`);
    if (isObject(item)) throw new FieldSetError(`${at}: associative list without keys has an element that's a map type`);
    return { value: item };
  }
  if (item === null) throw new FieldSetError(`${at}: associative list with keys may not have a null element`);
  if (!isObject(item)) throw new FieldSetError(`${at}: associative list with keys may not have non-map elements`);
  const fields: KeyField[] = [];
  for (const name of t.keys) {
    if (Object.hasOwn(item, name)) fields.push({ name, value: item[name]! });
    else {
      const def = keyDefault(t, name, at);
      if (def !== undefined) fields.push({ name, value: def as Value });
    }
  }
  if (fields.length === 0) {
    const keys = `[${t.keys.map((k) => JSON.stringify(k)).join(' ')}]`;
    throw new FieldSetError(
      `${at}: associative list with keys has an element that omits all key fields ${keys} (and doesn't have default values for any key fields)`,
    );
  }
  return keyElement(fields);
}

function keyDefault(t: ListAtom, name: string, at: string): unknown {
  const map = t.element().map;
  if (!map) throw new FieldSetError(`${at}: couldn't find default value for ${name}: associative list may not have non-map types`);
  return map.fields.get(name)?.default;
}

const atoms = new WeakMap<JSONSchemaProps, Atom>();

/** The fields `obj` sets, for a custom resource whose version has `schema` as its openAPIV3Schema. */
export function fieldsOf(obj: Value, schema: JSONSchemaProps | undefined): FieldSet {
  let atom = schema && atoms.get(schema);
  if (!atom) {
    atom = resourceAtom(schema);
    if (schema) atoms.set(schema, atom);
  }
  return toFieldSet(obj, atom);
}

/** TypedValue.ToFieldSet for a value of the given type. */
export function toFieldSet(obj: Value, atom: Atom): FieldSet {
  const out = new SetBuilder();
  walk(atom, obj, [], out);
  return out.build();
}
