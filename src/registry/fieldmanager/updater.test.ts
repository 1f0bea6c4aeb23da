/** The updater's conflicts, no-op applies and creates. */
import { describe, expect, it } from 'vitest';
import { resourceAtom } from './schema-atoms.js';
import { newSet } from './set.js';
import { pathToString } from './path.js';
import { conflictsOf, context, int, keyed, leaves, obj, owners, run } from './testing/updater-harness.js';
import { type UpdaterContext, updaterApply, updaterUpdate } from './updater.js';

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
