import { describe, expect, it } from 'vitest';
import { mergeObjects } from './merge.js';
import { FieldSetError } from './object-fields.js';
import { atomOf } from './schema-atoms.js';
import type { Value } from './value.js';

const atom = atomOf(
  {
    type: 'object',
    properties: {
      a: { type: 'string' },
      m: { type: 'object', properties: { x: { type: 'string' }, y: { type: 'string' } } },
      atomicMap: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
      atomicList: { type: 'array', items: { type: 'string' } },
      set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port'],
        items: { type: 'object', properties: { port: { type: 'integer' }, name: { type: 'string' }, proto: { type: 'string' } } },
      },
    },
  },
  false,
);

/** typed/merge_test.go: [live, config, merged]. */
const cases: [string, Value, Value, Value][] = [
  ['the configuration wins on a scalar', { a: 'x' }, { a: 'y' }, { a: 'y' }],
  ['granular maps merge key by key', { m: { x: '1' } }, { m: { y: '2' } }, { m: { x: '1', y: '2' } }],
  ['atomic maps are replaced', { atomicMap: { k: '1' } }, { atomicMap: { j: '2' } }, { atomicMap: { j: '2' } }],
  ['atomic lists are replaced', { atomicList: ['a', 'b'] }, { atomicList: ['c'] }, { atomicList: ['c'] }],
  ['null in the configuration is kept', { a: 'x' }, { a: null }, { a: null }],
  ['a create takes the configuration', null, { a: 'x' }, { a: 'x' }],
  [
    'set: live-only items keep their place',
    { set: ['a', 'b', 'c', 'd'] },
    { set: ['a', 'aprime', 'c', 'cprime'] },
    { set: ['a', 'b', 'aprime', 'c', 'd', 'cprime'] },
  ],
  [
    'set: shared items take the configuration\u2019s order',
    { set: ['a', 'b', 'c', 'd'] },
    { set: ['d', 'c', 'b', 'a'] },
    { set: ['d', 'c', 'b', 'a'] },
  ],
  ['set: new items go where the configuration puts them', { set: ['b'] }, { set: ['a', 'b', 'c'] }, { set: ['a', 'b', 'c'] }],
  // A shared item the configuration wants later is passed over, so `b` stays before `c` as it was.
  [
    'set: live-only items stay before the shared item they preceded',
    { set: ['a', 'b', 'c'] },
    { set: ['c', 'a'] },
    { set: ['b', 'c', 'a'] },
  ],
  [
    'map list: items merge field by field by key',
    {
      ports: [
        { port: 80, name: 'http' },
        { port: 22, name: 'ssh' },
      ],
    },
    { ports: [{ port: 80, proto: 'TCP' }] },
    {
      ports: [
        { port: 80, name: 'http', proto: 'TCP' },
        { port: 22, name: 'ssh' },
      ],
    },
  ],
  ['an empty map in the configuration is kept over null', { m: null }, { m: {} }, { m: {} }],
];

describe('mergeObjects (TypedValue.Merge)', () => {
  it.each(cases)('%s', (_name, live, config, merged) => {
    expect(mergeObjects(live, config, atom)).toEqual(merged);
  });

  it('rejects a configuration with a duplicated set item', () => {
    expect(() => mergeObjects({}, { set: ['a', 'a'] }, atom)).toThrow(new FieldSetError('.set: duplicate entries for key [="a"]'));
  });

  it('rejects an undeclared field', () => {
    expect(() => mergeObjects({}, { nope: 1 }, atom)).toThrow(new FieldSetError('.nope: field not declared in schema'));
  });
});
