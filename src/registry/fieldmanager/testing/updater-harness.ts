/**
 * The updater's table tests' harness: small schemas of every list and map kind, and a runner that plays a
 * sequence of applies and updates the way upstream's merge tests (merge/*_test.go) do.
 */
import { expect, it } from 'vitest';
import type { JSONSchemaProps } from '../../definitions/types.js';
import type { VersionedSet } from '../managed-fields.js';
import { pathToString } from '../path.js';
import { type Atom, atomOf } from '../schema-atoms.js';
import { ConflictsError, type UpdaterContext, updaterApply, updaterUpdate } from '../updater.js';
import type { Value } from '../value.js';

export const str: JSONSchemaProps = { type: 'string' };
export const int: JSONSchemaProps = { type: 'integer' };
export const set = (items: JSONSchemaProps = str): JSONSchemaProps => ({ type: 'array', 'x-kubernetes-list-type': 'set', items });
export const mapList = (keys: string[], properties: Record<string, JSONSchemaProps>): JSONSchemaProps => ({
  type: 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
  items: { type: 'object', properties },
});
export const obj = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: 'object',
  properties,
  ...extra,
});

/** merge/set_test.go's `sets`. */
export const sets = atomOf(obj({ list: set() }), false);
/** merge/key_test.go and multiple_appliers_test.go: a map list keyed by name. */
export const keyed = atomOf(
  obj({ list: mapList(['name'], { name: str, value: int, other: str, nested: obj({ a: str, b: str }) }) }),
  false,
);
/** merge/nested_test.go's listOfLists. */
export const nested = atomOf(obj({ listOfLists: mapList(['name'], { name: str, value: set() }) }), false);
/** merge/leaf_test.go and nested_test.go. */
export const leaves = atomOf(
  obj({
    numeric: int,
    string: str,
    bool: { type: 'boolean' },
    atomicList: { type: 'array', items: str },
    atomicMap: obj({ a: str, b: str }, { 'x-kubernetes-map-type': 'atomic' }),
    labels: { type: 'object', additionalProperties: str },
    spec: obj({ a: str, b: str, inner: obj({ x: str, y: str }) }),
    unknown: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  }),
  false,
);

export type Op = { apply: string; object: Value; version?: string; force?: boolean } | { update: string; object: Value; version?: string };

export interface State {
  live: Value | undefined;
  managers: Map<string, VersionedSet>;
  /** Whether each apply changed the object. */
  changed: boolean[];
}

/** Versions share one schema; `v2` names `list` `items`, and `v0` is no longer served. */
export function context(atom: Atom): UpdaterContext {
  const rename = (o: Value, from: string, to: string): Value => {
    if (o === null || typeof o !== 'object' || Array.isArray(o) || !(from in o)) return o;
    const { [from]: v, ...rest } = o;
    return { ...rest, [to]: v! };
  };
  return {
    atomFor: () => atom,
    convert: (o, version) => (version === 'v0' ? undefined : version === 'v2' ? rename(o, 'list', 'items') : rename(o, 'items', 'list')),
  };
}

export function run(atom: Atom, ops: Op[], start: Partial<State> = {}): State {
  const ctx = context(atom);
  const atV2 = atomOf(obj({ items: set() }), false);
  const ctx2: UpdaterContext = { ...ctx, atomFor: (v) => (v === 'v2' ? atV2 : atom) };
  const state: State = { live: start.live, managers: start.managers ?? new Map(), changed: [] };
  let liveVersion = 'v1';
  for (const op of ops) {
    const version = op.version ?? 'v1';
    const c = atom === sets ? ctx2 : ctx;
    if (state.live !== undefined && version !== liveVersion) state.live = c.convert(state.live, version)!;
    liveVersion = version;
    if ('apply' in op) {
      const r = updaterApply(state.live, op.object, version, state.managers, op.apply, op.force ?? false, c);
      state.managers = r.managers;
      state.changed.push(r.object !== undefined);
      if (r.object !== undefined) state.live = r.object;
    } else {
      state.managers = updaterUpdate(state.live, op.object, version, state.managers, op.update, c);
      state.live = op.object;
    }
  }
  if (state.live !== undefined && liveVersion !== 'v1') state.live = ctx.convert(state.live, 'v1')!;
  return state;
}

/** Managers as `name@version: paths` for comparison with upstream's expected ManagedFields. */
export function owners(s: State): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [m, vs] of s.managers) out[`${m}@${vs.apiVersion}${vs.applied ? '' : ' (update)'}`] = [...vs.set.paths()].map(pathToString);
  return out;
}

export function conflictsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConflictsError) return err.conflicts.map((c) => `${c.manager} ${pathToString(c.path)}`);
    throw err;
  }
  throw new Error('expected conflicts');
}

export interface Case {
  name: string;
  atom: Atom;
  ops: Op[];
  object: Value;
  managers: Record<string, string[]>;
  start?: Partial<State>;
}

export function runCases(cases: Case[]): void {
  it.each(cases)('$name', (c) => {
    const s = run(c.atom, c.ops, c.start);
    expect(s.live).toEqual(c.object);
    expect(owners(s)).toEqual(c.managers);
  });
}
