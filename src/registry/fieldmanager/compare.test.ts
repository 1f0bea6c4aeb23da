import { describe, expect, it } from 'vitest';
import { compareObjects } from './compare.js';
import { pathToString } from './path.js';
import { atomOf } from './schema-atoms.js';
import type { FieldSet } from './set.js';
import type { Value } from './value.js';

const atom = atomOf(
  {
    type: 'object',
    properties: {
      a: { type: 'string' },
      m: { type: 'object', properties: { x: { type: 'string' }, y: { type: 'string' } } },
      atomicList: { type: 'array', items: { type: 'string' } },
      set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port'],
        items: { type: 'object', properties: { port: { type: 'integer' }, name: { type: 'string' } } },
      },
    },
  },
  false,
);

const paths = (s: FieldSet) => [...s.paths()].map(pathToString);

/** typed/comparison_test.go: [added, modified, removed]. */
const cases: [string, Value | undefined, Value, string[], string[], string[]][] = [
  ['create: everything is added, maps included', undefined, { a: 'x', m: { x: '1' } }, ['.a', '.m', '.m.x'], [], []],
  ['a changed leaf is modified', { a: 'x' }, { a: 'y' }, [], ['.a'], []],
  ['a removed map is removed with its fields', { m: { x: '1', y: '2' } }, {}, [], [], ['.m', '.m.x', '.m.y']],
  ['a changed atomic list is modified as one field', { atomicList: ['a'] }, { atomicList: ['a', 'b'] }, [], ['.atomicList'], []],
  ['set items are added and removed by value', { set: ['a', 'b'] }, { set: ['b', 'c'] }, ['.set[="c"]'], [], ['.set[="a"]']],
  ['reordering a set changes nothing', { set: ['a', 'b'] }, { set: ['b', 'a'] }, [], [], []],
  [
    'map-list items are keyed',
    { ports: [{ port: 80, name: 'http' }] },
    { ports: [{ port: 80, name: 'web' }, { port: 443 }] },
    ['.ports[port=443]', '.ports[port=443].port'],
    ['.ports[port=80].name'],
    [],
  ],
  [
    'a removed map-list item is removed with its fields',
    { ports: [{ port: 80, name: 'x' }] },
    { ports: [] },
    [],
    [],
    ['.ports[port=80]', '.ports[port=80].name', '.ports[port=80].port'],
  ],
  ['null replaced by an empty map is modified', { m: null }, { m: {} }, [], ['.m'], []],
  [
    // Upstream removes the single item and adds the duplicated one: the same path in two sets.
    'a set item that becomes duplicated is removed and added again',
    { set: ['a'] },
    { set: ['a', 'a'] },
    ['.set[="a"]'],
    [],
    ['.set[="a"]'],
  ],
];

describe('compareObjects (TypedValue.Compare)', () => {
  it.each(cases)('%s', (_name, old, neu, added, modified, removed) => {
    const c = compareObjects(old, neu, atom);
    expect([paths(c.added), paths(c.modified), paths(c.removed)]).toEqual([added, modified, removed]);
  });
});
