/**
 * Apply's prune: a field, map key or list item leaves the object when the applier applied it last time,
 * does not apply it now, and no other manager owns it (merge/update.go's prune, addBackOwnedItems and
 * addBackDanglingItems).
 */
import type { VersionedSet } from './managed-fields.js';
import { toFieldSet } from './object-fields.js';
import { removeItems } from './remove.js';
import type { Atom } from './schema-atoms.js';
import { FieldSet, makeSet, type SetNode } from './set.js';
import type { Value } from './value.js';
import { convertTo, type Versioned, type UpdaterContext } from './versioning.js';

/**
 * EnsureNamedFieldsAreMembers: a declared field with owned paths below it counts as owned itself, so that
 * removing it with its children, or keeping it because a child is kept, works on the field as a whole.
 * Map keys the schema does not name and list items are not added: they are owned explicitly already.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, atom: Atom): FieldSet {
  const members = [...set.members];
  const children: SetNode[] = [];
  for (const node of set.children) {
    const pe = node.pathElement;
    let child: Atom = {};
    if ('fieldName' in pe && atom.map) {
      const field = atom.map.fields.get(pe.fieldName);
      if (field) members.push(pe);
      child = field ? field.atom() : atom.map.element();
    } else if ('key' in pe && atom.list) {
      child = atom.list.element();
    }
    children.push({ pathElement: pe, set: ensureNamedFieldsAreMembers(node.set, child) });
  }
  return makeSet(members, children);
}

/** `merged` is the merged object in the applier's version; returns the pruned object in that version. */
export function prune(
  v: UpdaterContext,
  merged: Versioned,
  managers: ReadonlyMap<string, VersionedSet>,
  lastSet: VersionedSet | undefined,
): Value {
  if (!lastSet || lastSet.set.empty()) return merged.value;
  const version = lastSet.apiVersion;
  const converted = convertTo(v, merged, version);
  if (converted === undefined) return merged.value;
  const atom = v.atomFor(version);
  const last: Versioned = { value: converted, version };
  let pruned: Versioned = { value: removeItems(converted, ensureNamedFieldsAreMembers(lastSet.set, atom), atom), version };
  pruned = addBackOwnedItems(v, last, pruned, managers);
  const out = addBackDanglingItems(v, last, pruned, lastSet);
  const back = convertTo(v, { value: out, version }, merged.version);
  if (back === undefined) throw new Error(`failed to prune fields: cannot convert to ${merged.version}`);
  return back;
}

/** Puts back what prune took that some manager, the applier's new configuration included, still owns. */
function addBackOwnedItems(
  v: UpdaterContext,
  merged: Versioned,
  pruned: Versioned,
  managers: ReadonlyMap<string, VersionedSet>,
): Versioned {
  const byVersion = new Map<string, FieldSet>();
  for (const m of managers.values()) byVersion.set(m.apiVersion, (byVersion.get(m.apiVersion) ?? FieldSet.EMPTY).union(m.set));
  // The pruned version first: fields it lost may be needed to convert it to the others.
  const versions = [...byVersion.keys()].sort((a, b) => Number(b === pruned.version) - Number(a === pruned.version));
  let m = merged;
  let p = pruned;
  for (const version of versions) {
    const managed = byVersion.get(version)!;
    const mv = convertTo(v, m, version);
    const pv = mv === undefined ? undefined : convertTo(v, p, version);
    if (mv === undefined || pv === undefined) continue;
    const atom = v.atomFor(version);
    const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, atom);
    const mergedSet = named(toFieldSet(mv, atom));
    const keep = named(toFieldSet(pv, atom)).union(named(managed));
    m = { value: mv, version };
    p = { value: removeItems(mv, mergedSet.difference(keep), atom), version };
  }
  return p;
}

/**
 * Of what is still missing, removes only what the applier owned last time: fields that no one owns, or that
 * updaters own, were not the applier's to remove.
 */
function addBackDanglingItems(v: UpdaterContext, merged: Versioned, pruned: Versioned, lastSet: VersionedSet): Value {
  const pv = convertTo(v, pruned, merged.version);
  if (pv === undefined) return merged.value;
  const atom = v.atomFor(merged.version);
  const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, atom);
  const gone = named(toFieldSet(merged.value, atom)).difference(named(toFieldSet(pv, atom)));
  return removeItems(merged.value, gone.intersection(named(lastSet.set)), atom);
}
