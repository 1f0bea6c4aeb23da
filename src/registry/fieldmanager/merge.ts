/**
 * TypedValue.Merge: a server-side apply's configuration laid over the live object. The configuration wins
 * on scalars and on atomic maps and lists; granular maps merge key by key and set and map lists item by
 * item. Nothing is removed here: pruning what an applier stopped applying is the updater's job.
 */
import { deduce, FieldSetError, isObject, itemElement } from './object-fields.js';
import { type PathElement, pathToString, serializePathElement } from './path.js';
import type { Atom, ListAtom, MapAtom } from './schema-atoms.js';
import { fieldAtom, invalidAtom, own, unionKeys } from './typed-walk.js';
import type { Value } from './value.js';

/** `live` null or undefined is a create. */
export function mergeObjects(live: Value | undefined, config: Value, atom: Atom): Value {
  return merge(atom, live, config, []) ?? null;
}

/** undefined: nothing to write at this path. */
function merge(atom: Atom, lhs: Value | undefined, rhs: Value | undefined, path: PathElement[]): Value | undefined {
  const al = deduce(atom, lhs);
  const ar = deduce(atom, rhs);
  // When the kinds differ upstream also walks the live value as its own kind, but only for validation
  // errors: the result is the configuration's.
  const a = rhs === undefined ? al : ar;
  if (a.map) return mergeMap(a.map, lhs, rhs, path);
  if (a.scalar) return rhs === undefined ? lhs : rhs;
  if (a.list) return mergeList(a.list, lhs, rhs, path);
  throw invalidAtom(path);
}

/** ruleKeepRHS on a whole value; empty and null maps are leaves, so `{}` and null survive as written. */
function mergeMap(t: MapAtom, lhs: Value | undefined, rhs: Value | undefined, path: PathElement[]): Value | undefined {
  const l = isObject(lhs) ? lhs : undefined;
  const r = isObject(rhs) ? rhs : undefined;
  const empty = (!l || Object.keys(l).length === 0) && (!r || Object.keys(r).length === 0);
  if (t.atomic || empty) return rhs === undefined ? lhs : rhs;
  const out: { [key: string]: Value } = {};
  for (const key of unionKeys(l, r)) {
    const v = merge(fieldAtom(t, key), own(l, key), own(r, key), [...path, { fieldName: key }]);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function mergeList(t: ListAtom, lhs: Value | undefined, rhs: Value | undefined, path: PathElement[]): Value | undefined {
  const l = Array.isArray(lhs) ? lhs : undefined;
  const r = Array.isArray(rhs) ? rhs : undefined;
  if (t.atomic || (!l?.length && !r?.length)) return rhs === undefined ? lhs : rhs;
  return mergeItems(t, l ?? [], r ?? [], path);
}

interface Indexed {
  readonly pes: PathElement[];
  readonly names: string[];
  /** Item by name; a live item that appears twice is null here, so the configuration's copy replaces both. */
  readonly byName: Map<string, Value>;
}

function index(t: ListAtom, items: Value[], path: PathElement[], allowDuplicates: boolean): Indexed {
  const out: Indexed = { pes: [], names: [], byName: new Map() };
  for (const item of items) {
    const pe = itemElement(t, item, path);
    const name = serializePathElement(pe);
    if (out.byName.has(name)) {
      if (!allowDuplicates) throw new FieldSetError(`${pathToString(path)}: duplicate entries for key ${pathToString([pe])}`);
      out.byName.set(name, null);
    } else out.byName.set(name, item);
    out.pes.push(pe);
    out.names.push(name);
  }
  return out;
}

/**
 * Items only in the live list keep their place; items in the configuration come in the configuration's
 * order, and live-only items stay next to the live items they followed.
 */
function mergeItems(t: ListAtom, lhs: Value[], rhs: Value[], path: PathElement[]): Value | undefined {
  const right = index(t, rhs, path, false);
  const left = index(t, lhs, path, true);
  const out: Value[] = [];
  const push = (pe: PathElement, l: Value | undefined, r: Value | undefined) => {
    const v = merge(t.element(), l, r, [...path, pe]);
    if (v !== undefined) out.push(v);
  };
  // The order in which items both lists hold must come out: the configuration's.
  const shared = right.names.filter((n) => left.byName.has(n));
  let next = 0;
  const merged = new Set<string>();
  let li = 0;
  let ri = 0;
  while (li < left.names.length || ri < right.names.length) {
    if (li < left.names.length && ri < right.names.length) {
      const name = left.names[li]!;
      if (name === right.names[ri]) {
        merged.add(name);
        push(left.pes[li]!, left.byName.get(name), right.byName.get(name));
        li++;
        ri++;
        next++;
        continue;
      }
      // A shared item that the configuration wants later: skip it here, it comes with its turn.
      if (right.byName.has(name) && next < shared.length && shared[next] !== name) {
        li++;
        continue;
      }
    }
    if (li < left.names.length) {
      const name = left.names[li]!;
      if (!right.byName.has(name)) {
        push(left.pes[li]!, lhs[li], undefined);
        li++;
        continue;
      }
      if (merged.has(name)) li++;
    }
    if (ri < right.names.length) {
      const name = right.names[ri]!;
      merged.add(name);
      push(right.pes[ri]!, left.byName.get(name), right.byName.get(name));
      ri++;
      if (next < shared.length && shared[next] === name) next++;
    }
  }
  return out.length > 0 ? out : undefined;
}
