/**
 * TypedValue.RemoveItems: a value without the fields, map keys and list items a set names, the step by
 * which apply prunes what an applier stopped applying.
 */
import { deduce, isObject, itemElement } from './object-fields.js';
import type { PathElement } from './path.js';
import type { Atom, ListAtom, MapAtom } from './schema-atoms.js';
import type { FieldSet } from './set.js';
import { fieldAtom } from './typed-walk.js';
import type { Value } from './value.js';

/**
 * A member of `set` goes with all it holds; a path below it is removed from inside. As upstream, a map or
 * list that is emptied, or was empty, atomic or of another kind when a path below it is named, becomes null.
 */
export function removeItems(value: Value, set: FieldSet, atom: Atom): Value {
  const a = deduce(atom, value);
  if (a.map) return removeFromMap(a.map, value, set);
  if (a.scalar) return value;
  if (a.list) return removeFromList(a.list, value, set);
  return null;
}

function removeFromMap(t: MapAtom, value: Value, set: FieldSet): Value {
  if (!isObject(value) || t.atomic) return null;
  const out: { [key: string]: Value } = {};
  for (const [key, v] of Object.entries(value)) {
    const pe: PathElement = { fieldName: key };
    if (set.has([pe])) continue;
    const below = set.child(pe);
    out[key] = below && !below.empty() ? removeItems(v, below, fieldAtom(t, key)) : v;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function removeFromList(t: ListAtom, value: Value, set: FieldSet): Value {
  if (!Array.isArray(value) || t.atomic) return null;
  const out: Value[] = [];
  for (const item of value) {
    let pe: PathElement;
    try {
      pe = itemElement(t, item, []);
    } catch {
      // An item without a name cannot be named in the set either; upstream keeps it.
      out.push(item);
      continue;
    }
    if (set.has([pe])) continue;
    const below = set.child(pe);
    out.push(below && !below.empty() ? removeItems(item, below, t.element()) : item);
  }
  return out.length > 0 ? out : null;
}
