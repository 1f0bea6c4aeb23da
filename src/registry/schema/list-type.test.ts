import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../definitions/types.js';
import { validateListSetsAndMaps } from './list-type.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        objs: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'set' },
        one: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
        two: {
          type: 'array',
          items: { type: 'object', properties: { inner: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-list-type': 'set' } } },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
        },
        byName: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } },
      },
    },
  },
};

const errs = (spec: unknown) => validateListSetsAndMaps({ spec }, schema).map((e) => `${e.type} ${e.field}: ${e.message}`);

describe('list types', () => {
  it.each([
    ['a set without repeats', { tags: ['a', 'b'] }, []],
    [
      'each repeated value once, at its second place',
      { tags: ['a', 'b', 'a', 'a', 'b'] },
      ['FieldValueDuplicate spec.tags[2]: Duplicate value: "a"', 'FieldValueDuplicate spec.tags[4]: Duplicate value: "b"'],
    ],
    [
      'compound set items compared by value',
      {
        objs: [
          { a: 1, b: 2 },
          { b: 2, a: 1 },
        ],
      },
      ['FieldValueDuplicate spec.objs[1]: Duplicate value: {"a":1,"b":2}'],
    ],
    [
      'a map list with one key',
      { one: [{ name: 'x' }, { name: 'x', v: 1 }] },
      ['FieldValueDuplicate spec.one[1]: Duplicate value: {"name":"x"}'],
    ],
    [
      'items without their key are one unspecified key',
      { one: [{ v: 1 }, { v: 2 }] },
      ['FieldValueDuplicate spec.one[1]: Duplicate value: {}'],
    ],
    [
      'a map list with two keys',
      { two: [{ port: 80 }, { port: 80, protocol: 'UDP' }, { port: 80 }] },
      ['FieldValueDuplicate spec.two[2]: Duplicate value: {"port":80}'],
    ],
    [
      'sets inside map-list items, at their own path',
      { two: [{ port: 1, inner: [3, 3] }] },
      ['FieldValueDuplicate spec.two[0].inner[1]: Duplicate value: 3'],
    ],
    [
      'sets under additionalProperties, keyed',
      { byName: { x: ['a', 'a'] } },
      ['FieldValueDuplicate spec.byName[x][1]: Duplicate value: "a"'],
    ],
    [
      'a map list item that is not an object',
      { one: [{ name: 'x' }, 'y'] },
      ['FieldValueInvalid spec.one[1]: Invalid value: "y": must be an object for an array of list-type map'],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(errs(spec)).toEqual(expected);
  });
});
