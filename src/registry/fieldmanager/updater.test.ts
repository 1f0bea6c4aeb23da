import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../definitions/types.js';
import type { VersionedSet } from './managed-fields.js';
import { pathToString } from './path.js';
import { type Atom, atomOf, resourceAtom } from './schema-atoms.js';
import { newSet } from './set.js';
import { ConflictsError, type UpdaterContext, updaterApply, updaterUpdate } from './updater.js';
import type { Value } from './value.js';

const str: JSONSchemaProps = { type: 'string' };
const int: JSONSchemaProps = { type: 'integer' };
const set = (items: JSONSchemaProps = str): JSONSchemaProps => ({ type: 'array', 'x-kubernetes-list-type': 'set', items });
const mapList = (keys: string[], properties: Record<string, JSONSchemaProps>): JSONSchemaProps => ({
  type: 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
  items: { type: 'object', properties },
});
const obj = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: 'object',
  properties,
  ...extra,
});

/** merge/set_test.go's `sets`. */
const sets = atomOf(obj({ list: set() }), false);
/** merge/key_test.go and multiple_appliers_test.go: a map list keyed by name. */
const keyed = atomOf(obj({ list: mapList(['name'], { name: str, value: int, other: str, nested: obj({ a: str, b: str }) }) }), false);
/** merge/nested_test.go's listOfLists. */
const nested = atomOf(obj({ listOfLists: mapList(['name'], { name: str, value: set() }) }), false);
/** merge/leaf_test.go and nested_test.go. */
const leaves = atomOf(
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

type Op = { apply: string; object: Value; version?: string; force?: boolean } | { update: string; object: Value; version?: string };

interface State {
  live: Value | undefined;
  managers: Map<string, VersionedSet>;
  /** Whether each apply changed the object. */
  changed: boolean[];
}

/** Versions share one schema; `v2` names `list` `items`, and `v0` is no longer served. */
function context(atom: Atom): UpdaterContext {
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

function run(atom: Atom, ops: Op[], start: Partial<State> = {}): State {
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
function owners(s: State): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [m, vs] of s.managers) out[`${m}@${vs.apiVersion}${vs.applied ? '' : ' (update)'}`] = [...vs.set.paths()].map(pathToString);
  return out;
}

function conflictsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConflictsError) return err.conflicts.map((c) => `${c.manager} ${pathToString(c.path)}`);
    throw err;
  }
  throw new Error('expected conflicts');
}

interface Case {
  name: string;
  atom: Atom;
  ops: Op[];
  object: Value;
  managers: Record<string, string[]>;
  start?: Partial<State>;
}

const cases: Case[] = [
  // merge/set_test.go
  {
    name: 'set: apply twice adds items',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'c'] } },
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managers: { 'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] },
  },
  {
    name: 'set: apply, update, apply without overlap keeps the updater items in place',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'c'] } },
      { update: 'controller', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { list: ['a', 'aprime', 'c', 'cprime'] } },
    ],
    object: { list: ['a', 'b', 'aprime', 'c', 'd', 'cprime'] },
    managers: {
      'default@v1': ['.list[="a"]', '.list[="aprime"]', '.list[="c"]', '.list[="cprime"]'],
      'controller@v1 (update)': ['.list[="b"]', '.list[="d"]'],
    },
  },
  {
    name: 'set: an applier may share an item with an updater (no conflict on set items)',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'c'] } },
      { update: 'controller', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { list: ['a', 'b', 'c'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managers: {
      'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]'],
      'controller@v1 (update)': ['.list[="b"]', '.list[="d"]'],
    },
  },
  {
    name: 'set: the updater in another version keeps its items in its version',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'c'] } },
      { update: 'controller', object: { items: ['a', 'b', 'c', 'd'] }, version: 'v2' },
      { apply: 'default', object: { list: ['a', 'b', 'c'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managers: {
      'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]'],
      'controller@v2 (update)': ['.items[="b"]', '.items[="d"]'],
    },
  },
  {
    name: 'set: apply twice reorders',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { list: ['a', 'd', 'c', 'b'] } },
    ],
    object: { list: ['a', 'd', 'c', 'b'] },
    managers: { 'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] },
  },
  {
    name: 'set: an update that only reorders owns nothing, and the applier reorders back',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { update: 'controller', object: { list: ['a', 'd', 'c', 'b'] } },
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
    ],
    object: { list: ['a', 'b', 'c', 'd'] },
    managers: { 'default@v1': ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] },
  },
  {
    name: 'set: apply twice removes what is no longer applied',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { list: ['a', 'c'] } },
    ],
    object: { list: ['a', 'c'] },
    managers: { 'default@v1': ['.list[="a"]', '.list[="c"]'] },
  },
  {
    name: 'set: removal across versions',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a', 'b', 'c', 'd'] } },
      { apply: 'default', object: { items: ['a', 'c', 'e'] }, version: 'v2' },
    ],
    object: { list: ['a', 'c', 'e'] },
    managers: { 'default@v2': ['.items[="a"]', '.items[="c"]', '.items[="e"]'] },
  },
  {
    name: 'set: an item another applier also applies survives the first one dropping it',
    atom: sets,
    ops: [
      { apply: 'one', object: { list: ['a', 'b'] } },
      { apply: 'two', object: { list: ['b'] } },
      { apply: 'one', object: { list: ['a'] } },
    ],
    object: { list: ['a', 'b'] },
    managers: { 'one@v1': ['.list[="a"]'], 'two@v1': ['.list[="b"]'] },
  },
  {
    name: 'set: pruning every field leaves null, as upstream RemoveItems does',
    atom: sets,
    ops: [
      { apply: 'default', object: { list: ['a'] } },
      { apply: 'default', object: {} },
    ],
    object: null,
    managers: {},
  },
  // merge/key_test.go, multiple_appliers_test.go
  {
    name: 'map list: items merge by key, the applier owns the keys and fields it sent',
    atom: keyed,
    ops: [
      { apply: 'default', object: { list: [{ name: 'a', value: 1 }] } },
      {
        apply: 'default',
        object: {
          list: [
            { name: 'a', value: 2 },
            { name: 'b', value: 3 },
          ],
        },
      },
    ],
    object: {
      list: [
        { name: 'a', value: 2 },
        { name: 'b', value: 3 },
      ],
    },
    managers: {
      'default@v1': [
        '.list[name="a"]',
        '.list[name="b"]',
        '.list[name="a"].name',
        '.list[name="a"].value',
        '.list[name="b"].name',
        '.list[name="b"].value',
      ],
    },
  },
  {
    name: 'map list: two appliers own different fields of one item',
    atom: keyed,
    ops: [
      { apply: 'one', object: { list: [{ name: 'a', value: 1 }] } },
      { apply: 'two', object: { list: [{ name: 'a', other: 'x' }] } },
    ],
    object: { list: [{ name: 'a', value: 1, other: 'x' }] },
    managers: {
      'one@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value'],
      'two@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].other'],
    },
  },
  {
    name: 'map list: an item both appliers apply stays when one drops it, without that one\u2019s field',
    atom: keyed,
    ops: [
      { apply: 'one', object: { list: [{ name: 'a', value: 1 }] } },
      { apply: 'two', object: { list: [{ name: 'a', other: 'x' }] } },
      // An empty list owns nothing (ToFieldSet), so `one` is left with nothing and dropped.
      { apply: 'one', object: { list: [] } },
    ],
    object: { list: [{ name: 'a', other: 'x' }] },
    managers: {
      'two@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].other'],
    },
  },
  {
    name: 'map list: an item only the applier owned is removed whole',
    atom: keyed,
    ops: [
      {
        apply: 'default',
        object: {
          list: [
            { name: 'a', value: 1 },
            { name: 'b', value: 2 },
          ],
        },
      },
      { apply: 'default', object: { list: [{ name: 'b', value: 2 }] } },
    ],
    object: { list: [{ name: 'b', value: 2 }] },
    managers: { 'default@v1': ['.list[name="b"]', '.list[name="b"].name', '.list[name="b"].value'] },
  },
  {
    name: 'map list: remove_one_keep_one_with_dangling_subitem (the item stays for its other applier)',
    atom: nested,
    ops: [
      { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c'] }] } },
      { apply: 'apply-two', object: { listOfLists: [{ name: 'b', value: ['d'] }] } },
      { update: 'controller', object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c', 'd', 'e'] }] } },
      { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }] } },
    ],
    object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['d', 'e'] }] },
    managers: {
      'apply-one@v1': ['.listOfLists[name="a"]', '.listOfLists[name="a"].name'],
      'apply-two@v1': ['.listOfLists[name="b"]', '.listOfLists[name="b"].name', '.listOfLists[name="b"].value[="d"]'],
      'controller@v1 (update)': ['.listOfLists[name="b"].value[="e"]'],
    },
  },
  {
    name: 'map list: remove_one_with_dangling_subitem_keep_one (the applier\u2019s item goes, updater fields and all)',
    atom: nested,
    ops: [
      { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }, { name: 'b', value: ['c'] }] } },
      { apply: 'apply-two', object: { listOfLists: [{ name: 'a', value: ['b'] }] } },
      {
        update: 'controller',
        object: {
          listOfLists: [
            { name: 'a', value: ['b'] },
            { name: 'b', value: ['c', 'd'] },
          ],
        },
      },
      { apply: 'apply-one', object: { listOfLists: [{ name: 'a' }] } },
    ],
    object: { listOfLists: [{ name: 'a', value: ['b'] }] },
    managers: {
      'apply-one@v1': ['.listOfLists[name="a"]', '.listOfLists[name="a"].name'],
      'apply-two@v1': ['.listOfLists[name="a"]', '.listOfLists[name="a"].name', '.listOfLists[name="a"].value[="b"]'],
    },
  },
  {
    name: 'map list: nested maps in items merge field by field',
    atom: keyed,
    ops: [
      { apply: 'one', object: { list: [{ name: 'a', nested: { a: 'x' } }] } },
      { apply: 'two', object: { list: [{ name: 'a', nested: { b: 'y' } }] } },
    ],
    object: { list: [{ name: 'a', nested: { a: 'x', b: 'y' } }] },
    managers: {
      'one@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].nested.a'],
      'two@v1': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].nested.b'],
    },
  },
  // merge/leaf_test.go, nested_test.go
  {
    name: 'leaf: an update takes a field from the applier without conflict',
    atom: leaves,
    ops: [
      { apply: 'default', object: { numeric: 1, string: 'a' } },
      { update: 'controller', object: { numeric: 2, string: 'a' } },
    ],
    object: { numeric: 2, string: 'a' },
    managers: { 'default@v1': ['.string'], 'controller@v1 (update)': ['.numeric'] },
  },
  {
    name: 'leaf: applying the same value as another applier shares the field',
    atom: leaves,
    ops: [
      { apply: 'one', object: { numeric: 1 } },
      { apply: 'two', object: { numeric: 1, string: 'b' } },
    ],
    object: { numeric: 1, string: 'b' },
    managers: { 'one@v1': ['.numeric'], 'two@v1': ['.numeric', '.string'] },
  },
  {
    name: 'leaf: forcing takes the field from the other applier',
    atom: leaves,
    ops: [
      { apply: 'one', object: { numeric: 1, string: 'a' } },
      { apply: 'two', object: { numeric: 2 }, force: true },
    ],
    object: { numeric: 2, string: 'a' },
    managers: { 'one@v1': ['.string'], 'two@v1': ['.numeric'] },
  },
  {
    name: 'leaf: a forced apply leaves the loser with nothing, and the loser is dropped',
    atom: leaves,
    ops: [
      { apply: 'one', object: { numeric: 1 } },
      { apply: 'two', object: { numeric: 2 }, force: true },
    ],
    object: { numeric: 2 },
    managers: { 'two@v1': ['.numeric'] },
  },
  {
    name: 'leaf: a field the applier stops applying is removed',
    atom: leaves,
    ops: [
      { apply: 'default', object: { numeric: 1, string: 'a', bool: true } },
      { apply: 'default', object: { string: 'a' } },
    ],
    object: { string: 'a' },
    managers: { 'default@v1': ['.string'] },
  },
  {
    name: 'leaf: a field an updater changed since is not removed when the applier drops it',
    atom: leaves,
    ops: [
      { apply: 'default', object: { numeric: 1, string: 'a' } },
      { update: 'controller', object: { numeric: 5, string: 'a' } },
      { apply: 'default', object: { string: 'a' } },
    ],
    object: { numeric: 5, string: 'a' },
    managers: { 'default@v1': ['.string'], 'controller@v1 (update)': ['.numeric'] },
  },
  {
    name: 'leaf: an update removing a field takes it from everyone',
    atom: leaves,
    ops: [
      { apply: 'default', object: { numeric: 1, string: 'a' } },
      { update: 'controller', object: { string: 'a' } },
    ],
    object: { string: 'a' },
    managers: { 'default@v1': ['.string'] },
  },
  {
    name: 'nested: granular maps merge and each applier owns its leaves',
    atom: leaves,
    ops: [
      { apply: 'one', object: { spec: { a: 'x', inner: { x: '1' } } } },
      { apply: 'two', object: { spec: { b: 'y', inner: { y: '2' } } } },
    ],
    object: { spec: { a: 'x', inner: { x: '1', y: '2' }, b: 'y' } },
    managers: { 'one@v1': ['.spec.a', '.spec.inner.x'], 'two@v1': ['.spec.b', '.spec.inner.y'] },
  },
  {
    name: 'nested: dropping a whole map removes only the applier\u2019s leaves',
    atom: leaves,
    ops: [
      { apply: 'one', object: { spec: { a: 'x', inner: { x: '1' } } } },
      { apply: 'two', object: { spec: { inner: { y: '2' } } } },
      { apply: 'one', object: { string: 's' } },
    ],
    object: { spec: { inner: { y: '2' } }, string: 's' },
    managers: { 'one@v1': ['.string'], 'two@v1': ['.spec.inner.y'] },
  },
  {
    name: 'nested: an applied empty map is owned as a field',
    atom: leaves,
    ops: [{ apply: 'default', object: { spec: {} } }],
    object: { spec: {} },
    managers: { 'default@v1': ['.spec'] },
  },
  {
    name: 'atomic list: replaced whole by the applier and owned as one field',
    atom: leaves,
    ops: [
      { update: 'controller', object: { atomicList: ['a', 'b'] } },
      { apply: 'default', object: { atomicList: ['c'] }, force: true },
    ],
    object: { atomicList: ['c'] },
    managers: { 'default@v1': ['.atomicList'] },
  },
  {
    name: 'atomic map: replaced whole, not merged',
    atom: leaves,
    ops: [
      { apply: 'one', object: { atomicMap: { a: 'x' } } },
      { apply: 'one', object: { atomicMap: { b: 'y' } } },
    ],
    object: { atomicMap: { b: 'y' } },
    managers: { 'one@v1': ['.atomicMap'] },
  },
  {
    name: 'additionalProperties: each key owned, removed keys pruned',
    atom: leaves,
    ops: [
      { apply: 'one', object: { labels: { a: '1', b: '2' } } },
      { apply: 'two', object: { labels: { c: '3' } } },
      { apply: 'one', object: { labels: { a: '1' } } },
    ],
    object: { labels: { a: '1', c: '3' } },
    managers: { 'one@v1': ['.labels.a'], 'two@v1': ['.labels.c'] },
  },
  {
    name: 'preserve-unknown-fields: deduced maps are granular',
    atom: leaves,
    ops: [
      { apply: 'one', object: { unknown: { deep: { a: 1 } } } },
      { apply: 'two', object: { unknown: { deep: { b: 2 } } } },
    ],
    object: { unknown: { deep: { a: 1, b: 2 } } },
    managers: { 'one@v1': ['.unknown.deep', '.unknown.deep.a'], 'two@v1': ['.unknown.deep', '.unknown.deep.b'] },
  },
  // merge/obsolete_versions_test.go
  {
    name: 'obsolete version: a manager in a version no longer served is dropped',
    atom: leaves,
    start: {
      live: { numeric: 1 },
      managers: new Map([['old', { set: newSet([{ fieldName: 'numeric' }]), apiVersion: 'v0', applied: true }]]),
    },
    ops: [{ apply: 'new', object: { string: 'a' } }],
    object: { numeric: 1, string: 'a' },
    managers: { 'new@v1': ['.string'] },
  },
];

describe('updater (merge/*_test.go)', () => {
  it.each(cases)('$name', (c) => {
    const s = run(c.atom, c.ops, c.start);
    expect(s.live).toEqual(c.object);
    expect(owners(s)).toEqual(c.managers);
  });
});

describe('updater conflicts', () => {
  it('an applier changing another applier\u2019s field conflicts, and nothing changes', () => {
    const s = run(leaves, [{ apply: 'one', object: { numeric: 1, string: 'a' } }]);
    expect(conflictsOf(() => updaterApply(s.live, { numeric: 2, string: 'b' }, 'v1', s.managers, 'two', false, context(leaves)))).toEqual([
      'one .numeric',
      'one .string',
    ]);
  });

  it('an applier conflicts with an updater that set the field', () => {
    const s = run(leaves, [{ update: 'controller', object: { numeric: 1 } }]);
    expect(conflictsOf(() => updaterApply(s.live, { numeric: 2 }, 'v1', s.managers, 'default', false, context(leaves)))).toEqual([
      'controller .numeric',
    ]);
  });

  it('conflicts are sorted by manager, then by path as the set iterates', () => {
    const s = run(leaves, [
      { apply: 'zeta', object: { spec: { b: 'x' }, string: 'z' } },
      { apply: 'alpha', object: { spec: { a: 'x' } } },
    ]);
    const config = { spec: { a: 'y', b: 'y' }, string: 'y' };
    expect(conflictsOf(() => updaterApply(s.live, config, 'v1', s.managers, 'mid', false, context(leaves)))).toEqual([
      'alpha .spec.a',
      'zeta .string',
      'zeta .spec.b',
    ]);
  });

  it('a map-list item field conflicts by key path', () => {
    const s = run(keyed, [{ apply: 'one', object: { list: [{ name: 'a', value: 1 }] } }]);
    expect(
      conflictsOf(() => updaterApply(s.live, { list: [{ name: 'a', value: 2 }] }, 'v1', s.managers, 'two', false, context(keyed))),
    ).toEqual(['one .list[name="a"].value']);
  });

  it('an atomic list conflicts as a whole', () => {
    const s = run(leaves, [{ apply: 'one', object: { atomicList: ['a'] } }]);
    expect(conflictsOf(() => updaterApply(s.live, { atomicList: ['a', 'b'] }, 'v1', s.managers, 'two', false, context(leaves)))).toEqual([
      'one .atomicList',
    ]);
  });

  it('the error message names the manager and the path', () => {
    const s = run(leaves, [{ apply: 'one', object: { numeric: 1 } }]);
    expect(() => updaterApply(s.live, { numeric: 2 }, 'v1', s.managers, 'two', false, context(leaves))).toThrow(
      'conflict with "one": .numeric',
    );
  });

  it('an applier re-applying its own fields with new values does not conflict with itself', () => {
    const s = run(leaves, [
      { apply: 'one', object: { numeric: 1 } },
      { apply: 'one', object: { numeric: 2 } },
    ]);
    expect(s.live).toEqual({ numeric: 2 });
  });

  it('an update never conflicts: it takes the fields', () => {
    const s = run(leaves, [
      { apply: 'one', object: { numeric: 1 } },
      { update: 'two', object: { numeric: 2 } },
    ]);
    expect(owners(s)).toEqual({ 'two@v1 (update)': ['.numeric'] });
  });
});

describe('updater no-op and create', () => {
  it('an apply that changes nothing returns no object, but records the applier', () => {
    const s = run(leaves, [
      { update: 'controller', object: { numeric: 1 } },
      { apply: 'default', object: { numeric: 1 } },
    ]);
    expect(s.changed).toEqual([false]);
    expect(owners(s)).toEqual({ 'controller@v1 (update)': ['.numeric'], 'default@v1': ['.numeric'] });
  });

  it('a create by update owns every field, and the maps it created as fields too', () => {
    const managers = updaterUpdate(undefined, { spec: { a: 'x' }, labels: { k: 'v' } }, 'v1', new Map(), 'creator', context(leaves));
    expect([...managers.get('creator')!.set.paths()].map(pathToString)).toEqual(['.labels', '.spec', '.labels.k', '.spec.a']);
  });

  it('an update writing nothing drops its entry', () => {
    expect(updaterUpdate({ numeric: 1 }, { numeric: 1 }, 'v1', new Map(), 'noop', context(leaves)).size).toBe(0);
  });

  it('ignored fields (resetFields) are not taken by anyone', () => {
    const ctx: UpdaterContext = { ...context(leaves), ignoredFields: new Map([['v1', newSet([{ fieldName: 'spec' }])]]) };
    const managers = updaterUpdate(undefined, { spec: { a: 'x' }, string: 's' }, 'v1', new Map(), 'm', ctx);
    expect([...managers.get('m')!.set.paths()].map(pathToString)).toEqual(['.string']);
  });

  it('a whole custom resource: metadata.labels owned key by key, name and kind owned', () => {
    const atom = resourceAtom(obj({ spec: obj({ replicas: int }) }));
    const config = { apiVersion: 'example.com/v1', kind: 'W', metadata: { name: 'w', labels: { app: 'x' } }, spec: { replicas: 1 } };
    const r = updaterApply(null, config, 'v1', new Map(), 'kubectl', false, context(atom));
    expect(r.object).toEqual(config);
    expect([...r.managers.get('kubectl')!.set.paths()].map(pathToString)).toEqual([
      '.apiVersion',
      '.kind',
      '.metadata.name',
      '.metadata.labels.app',
      '.spec.replicas',
    ]);
  });
});
