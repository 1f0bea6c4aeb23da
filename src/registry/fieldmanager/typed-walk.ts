/**
 * What the walks over a typed value (compare, merge, remove) share: the type of a map's field, and the
 * difference between a field that is absent (`undefined`) and one that holds JSON null.
 */
import type { PathElement } from './path.js';
import { pathToString } from './path.js';
import { FieldSetError, type JSONObject } from './object-fields.js';
import type { Atom, MapAtom } from './schema-atoms.js';
import type { Value } from './value.js';

/** A field's declared type, else the type of the map's other keys. */
export function fieldAtom(t: MapAtom, key: string): Atom {
  return t.fields.get(key)?.atom() ?? t.element();
}

/** A map's own field; a key such as `constructor` must not reach Object.prototype. */
export function own(obj: JSONObject | undefined, key: string): Value | undefined {
  return obj && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Keys of either map, the first map's order first, each once. */
export function unionKeys(a: JSONObject | undefined, b: JSONObject | undefined): string[] {
  const keys = Object.keys(a ?? {});
  for (const k of Object.keys(b ?? {})) if (!a || !Object.hasOwn(a, k)) keys.push(k);
  return keys;
}

/**
 * Atom.Equals for two atoms deduced from one: the same kinds, from the same list and map types. Two values
 * of different kinds (a null against a map, a string against a list) are walked once per kind.
 */
export function sameAtom(a: Atom, b: Atom): boolean {
  return a.scalar === b.scalar && a.list === b.list && a.map === b.map;
}

/** handleAtom's error: a value where the schema has no type (an undeclared field). */
export function invalidAtom(path: readonly PathElement[]): FieldSetError {
  return new FieldSetError(`${pathToString(path)}: field not declared in schema`);
}
