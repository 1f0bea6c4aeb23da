/**
 * TypedValue.Compare: which fields a write added, modified and removed, given the type of the object. The
 * updater reads it to take changed fields from their managers and give them to the writer.
 */
import { deduce, isObject, itemElement } from './object-fields.js';
import { type PathElement, serializePathElement } from './path.js';
import type { Atom, ListAtom, MapAtom } from './schema-atoms.js';
import { type FieldSet, SetBuilder } from './set.js';
import { fieldAtom, invalidAtom, own, sameAtom, unionKeys } from './typed-walk.js';
import { equalValues, type Value } from './value.js';

/** No path is in more than one set; all three are empty when the objects are the same. */
export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

interface Builders {
  readonly added: SetBuilder;
  readonly modified: SetBuilder;
  readonly removed: SetBuilder;
}

/** `old` undefined or null is a create: every field of `neu` is added. */
export function compareObjects(old: Value | undefined, neu: Value | undefined, atom: Atom): Comparison {
  const b: Builders = { added: new SetBuilder(), modified: new SetBuilder(), removed: new SetBuilder() };
  if (old !== undefined || neu !== undefined) compare(b, atom, old, neu, []);
  return { added: b.added.build(), modified: b.modified.build(), removed: b.removed.build() };
}

/** `lhs`/`rhs` undefined means absent; at least one is present. */
function compare(b: Builders, atom: Atom, lhs: Value | undefined, rhs: Value | undefined, path: PathElement[]): void {
  const al = deduce(atom, lhs);
  const ar = deduce(atom, rhs);
  let inLeaf: boolean;
  if (rhs === undefined) inLeaf = handle(b, al, lhs, rhs, path);
  else if (lhs === undefined || sameAtom(al, ar)) inLeaf = handle(b, ar, lhs, rhs, path);
  else {
    // A value that changed kind is compared as each kind in turn, as upstream does.
    handle(b, al, lhs, rhs, path);
    inLeaf = handle(b, ar, lhs, rhs, path);
  }
  // A map or list item that appears or disappears is itself added or removed, besides what it holds.
  if (!inLeaf) {
    if (lhs === undefined) b.added.insert(path);
    else if (rhs === undefined) b.removed.insert(path);
  }
}

/** Returns whether the value was compared as one leaf. */
function handle(b: Builders, a: Atom, lhs: Value | undefined, rhs: Value | undefined, path: PathElement[]): boolean {
  if (a.map) return compareMap(b, a.map, lhs, rhs, path);
  if (a.scalar) return leaf(b, lhs, rhs, path);
  if (a.list) return compareList(b, a.list, lhs, rhs, path);
  throw invalidAtom(path);
}

function leaf(b: Builders, lhs: Value | undefined, rhs: Value | undefined, path: PathElement[]): true {
  if (lhs === undefined) b.added.insert(path);
  else if (rhs === undefined) b.removed.insert(path);
  else if (!equalValues(lhs, rhs)) b.modified.insert(path);
  return true;
}

/** Empty and null maps are leaves on both sides, so that `{}` replacing null is a modification. */
function compareMap(b: Builders, t: MapAtom, lhs: Value | undefined, rhs: Value | undefined, path: PathElement[]): boolean {
  const l = isObject(lhs) ? lhs : undefined;
  const r = isObject(rhs) ? rhs : undefined;
  const empty = (!l || Object.keys(l).length === 0) && (!r || Object.keys(r).length === 0);
  if (t.atomic || empty) return leaf(b, lhs, rhs, path);
  for (const key of unionKeys(l, r)) {
    compare(b, fieldAtom(t, key), own(l, key), own(r, key), [...path, { fieldName: key }]);
  }
  return false;
}

function compareList(b: Builders, t: ListAtom, lhs: Value | undefined, rhs: Value | undefined, path: PathElement[]): boolean {
  const l = Array.isArray(lhs) ? lhs : undefined;
  const r = Array.isArray(rhs) ? rhs : undefined;
  if (t.atomic || (!l?.length && !r?.length)) return leaf(b, lhs, rhs, path);
  const left = groupItems(t, l ?? [], path);
  const right = groupItems(t, r ?? [], path);
  const names = [...left.keys(), ...[...right.keys()].filter((k) => !left.has(k))];
  for (const name of names) {
    const ls = left.get(name)?.items ?? [];
    const rs = right.get(name)?.items ?? [];
    const pe = (left.get(name) ?? right.get(name))!.pe;
    const itemPath = [...path, pe];
    if (ls.length <= 1 && rs.length <= 1) {
      compare(b, t.element(), ls[0], rs[0], itemPath);
    } else if (ls.length >= 2 && rs.length >= 2) {
      // Duplicated items are owned as one: they changed if any copy did.
      if (ls.length !== rs.length || ls.some((v, i) => !equalValues(v, rs[i]!))) b.modified.insert(itemPath);
    } else if (ls.length >= 2) {
      if (rs.length !== 0) compare(b, t.element(), undefined, rs[0], itemPath);
      b.removed.insert(itemPath);
    } else {
      if (ls.length !== 0) compare(b, t.element(), ls[0], undefined, itemPath);
      b.added.insert(itemPath);
    }
  }
  return false;
}

/** The items of a set or map list by their path element, duplicates together, in order of first sight. */
function groupItems(t: ListAtom, items: Value[], path: PathElement[]): Map<string, { pe: PathElement; items: Value[] }> {
  const out = new Map<string, { pe: PathElement; items: Value[] }>();
  for (const item of items) {
    const pe = itemElement(t, item, path);
    const name = serializePathElement(pe);
    const group = out.get(name);
    if (group) group.items.push(item);
    else out.set(name, { pe, items: [item] });
  }
  return out;
}
