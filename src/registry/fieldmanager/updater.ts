/**
 * merge.Updater: who owns which fields after a write. An update takes every field it changes from whoever
 * owned it; an apply merges its configuration into the object, prunes what it stopped applying, and may
 * take fields from others only when forced, failing with the conflicts otherwise.
 */
import { type Comparison, compareObjects } from './compare.js';
import type { Conflict } from './conflict.js';
import type { VersionedSet } from './managed-fields.js';
import { mergeObjects } from './merge.js';
import { toFieldSet } from './object-fields.js';
import { pathToString } from './path.js';
import { prune } from './prune.js';
import { FieldSet } from './set.js';
import { compareStrings, equalValues, type Value } from './value.js';
import { convertTo, type UpdaterContext, type Versioned, withoutIgnored } from './versioning.js';

export type { UpdaterContext } from './versioning.js';

/** Managers by identifier (BuildManagerIdentifier's encoding, opaque here). */
export type ManagedFields = ReadonlyMap<string, VersionedSet>;

/** merge.Conflicts: by manager identifier, then each manager's paths in set order. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(conflictsMessage(conflicts));
  }
}

/** Conflicts.Error, for logs; the API's message is built from the conflicts by the caller. */
function conflictsMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) return `conflict with ${JSON.stringify(conflicts[0]!.manager)}: ${pathToString(conflicts[0]!.path)}`;
  const lines: string[] = [];
  conflicts.forEach((c, i) => {
    if (c.manager !== conflicts[i - 1]?.manager) lines.push(`conflicts with ${JSON.stringify(c.manager)}:`);
    lines.push(`- ${pathToString(c.path)}`);
  });
  return lines.join('\n');
}

export interface ApplyResult {
  /** undefined when the apply changes nothing: the caller keeps the live object (and the applier's time). */
  readonly object: Value | undefined;
  readonly managers: Map<string, VersionedSet>;
}

/**
 * Updater.Update, for create, update and non-apply patch: `live` is null or undefined for a create, `neu`
 * the object to be persisted. The writer comes to own what it added or modified, and no one owns what it
 * removed; others lose what it changed.
 */
export function updaterUpdate(
  live: Value | undefined,
  neu: Value,
  version: string,
  managers: ManagedFields,
  manager: string,
  ctx: UpdaterContext,
): Map<string, VersionedSet> {
  const { managers: next, compare } = take(ctx, { value: live ?? null, version }, { value: neu, version }, managers, manager, true);
  const before = next.get(manager)?.set ?? FieldSet.EMPTY;
  const set = withoutIgnored(ctx, before.difference(compare.removed).union(compare.modified).union(compare.added), version);
  if (set.empty()) next.delete(manager);
  else next.set(manager, { set, apiVersion: version, applied: false });
  return next;
}

/** Updater.Apply, for server-side apply: throws ConflictsError unless forced. */
export function updaterApply(
  live: Value | undefined,
  config: Value,
  version: string,
  managers: ManagedFields,
  manager: string,
  force: boolean,
  ctx: UpdaterContext,
): ApplyResult {
  const atom = ctx.atomFor(version);
  const old = live ?? null;
  const merged = mergeObjects(old, config, atom);
  const lastSet = managers.get(manager);
  const set = withoutIgnored(ctx, toFieldSet(config, atom), version);
  const withApplier = new Map(managers).set(manager, { set, apiVersion: version, applied: true });
  const object = prune(ctx, { value: merged, version }, withApplier, lastSet);
  const { managers: next } = take(ctx, { value: old, version }, { value: object, version }, withApplier, manager, force);
  return { object: equalValues(old, object) ? undefined : object, managers: next };
}

/**
 * Takes from every manager but the writer the fields the write changed, as that manager's version sees
 * the change; with conflicts and no force, throws instead. Returns the comparison in the writer's version.
 */
function take(
  ctx: UpdaterContext,
  old: Versioned,
  neu: Versioned,
  managers: ManagedFields,
  writer: string,
  force: boolean,
): { managers: Map<string, VersionedSet>; compare: Comparison } {
  const next = new Map(managers);
  const compare = compareAt(ctx, old.value, neu.value, old.version);
  const byVersion = new Map([[old.version, compare]]);
  const conflicts = new Map<string, FieldSet>();
  const removed = new Map<string, FieldSet>();
  for (const [manager, owned] of managers) {
    if (manager === writer) continue;
    let cmp = byVersion.get(owned.apiVersion);
    if (!cmp) {
      const o = convertTo(ctx, old, owned.apiVersion);
      const n = convertTo(ctx, neu, owned.apiVersion);
      // A manager whose version is no longer served is dropped (obsolete_versions_test).
      if (o === undefined || n === undefined) {
        next.delete(manager);
        continue;
      }
      cmp = compareAt(ctx, o, n, owned.apiVersion);
      byVersion.set(owned.apiVersion, cmp);
    }
    const taken = owned.set.intersection(cmp.modified.union(cmp.added));
    if (!taken.empty()) conflicts.set(manager, taken);
    if (!cmp.removed.empty()) removed.set(manager, cmp.removed);
  }
  if (!force && conflicts.size > 0) throw new ConflictsError(listConflicts(conflicts));
  for (const lost of [conflicts, removed]) {
    for (const [manager, set] of lost) {
      const owned = next.get(manager)!;
      next.set(manager, { ...owned, set: owned.set.difference(set) });
    }
  }
  for (const [manager, owned] of next) if (owned.set.empty()) next.delete(manager);
  return { managers: next, compare };
}

function compareAt(ctx: UpdaterContext, old: Value, neu: Value, version: string): Comparison {
  const cmp = compareObjects(old, neu, ctx.atomFor(version));
  const only = (s: FieldSet) => withoutIgnored(ctx, s, version);
  return { added: only(cmp.added), modified: only(cmp.modified), removed: only(cmp.removed) };
}

function listConflicts(sets: ReadonlyMap<string, FieldSet>): Conflict[] {
  const out: Conflict[] = [];
  for (const manager of [...sets.keys()].sort(compareStrings)) {
    for (const path of sets.get(manager)!.paths()) out.push({ manager, path });
  }
  return out;
}
