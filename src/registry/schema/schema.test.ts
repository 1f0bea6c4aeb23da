import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../definitions/types.js';
import { applyDefaults } from './defaults.js';
import { prune } from './prune.js';
import { validate } from './validate.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['color'],
      properties: {
        color: { type: 'string', enum: ['red', 'blue'] },
        replicas: { type: 'integer', minimum: 0, default: 1 },
        name: { type: 'string', maxLength: 5, pattern: '^[a-z]+$' },
        port: { 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } },
        },
      },
    },
  },
};

describe('validate', () => {
  it.each([
    [{ spec: { color: 'red' } }, []],
    [{ spec: {} }, ['spec.color: Required value']],
    [{ spec: { color: 'green' } }, ['spec.color: Unsupported value: "green": supported values: "red", "blue"']],
    [
      { spec: { color: 'red', replicas: 'x' } },
      ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'],
    ],
    [
      { spec: { color: 'red', replicas: -1 } },
      ['spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0'],
    ],
    [{ spec: { color: 'red', name: 'toolong' } }, ['spec.name: Too long: may not be more than 5 bytes']],
    [{ spec: { color: 'red', name: 'A1' } }, ['spec.name: Invalid value: "A1": spec.name in body should match \'^[a-z]+$\'']],
    [{ spec: { color: 'red', port: 80 } }, []],
    [{ spec: { color: 'red', port: 'http' } }, []],
    [
      { spec: { color: 'red', port: true } },
      ['spec.port: Invalid value: true: spec.port in body must be of type integer or string: "boolean"'],
    ],
    [{ spec: { color: 'red', tags: ['a', 'b', 'c'] } }, ['spec.tags: Too many: 3: must have at most 2 items']],
    [
      { spec: { color: 'red', template: { spec: {} } } },
      ['spec.template.apiVersion: Required value: must not be empty', 'spec.template.kind: Required value: must not be empty'],
    ],
  ])('%j', (obj, want) => {
    expect(validate(obj, schema).map((e) => `${e.field}: ${e.message}`)).toEqual(want);
  });
});

describe('validation ratcheting on update', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 3 },
      other: { type: 'string' },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer', maximum: 100 } } },
      },
      tags: { type: 'array', items: { type: 'string', maxLength: 2 } },
    },
  };
  const invalid = { name: 'too-long', other: 'a', ports: [{ name: 'p', port: 500 }], tags: ['long'] };

  it('lets an update leave invalid values as they were, wherever else it changes', () => {
    expect(validate(invalid, schema)).toHaveLength(3);
    expect(validate({ ...invalid, other: 'b' }, schema, '', { value: invalid })).toEqual([]);
    // Map-list items correlate by key, so reordering or adding items keeps an unchanged invalid item.
    const reordered = {
      ...invalid,
      ports: [
        { name: 'q', port: 1 },
        { name: 'p', port: 500 },
      ],
    };
    expect(validate(reordered, schema, '', { value: invalid })).toEqual([]);
  });

  it('refuses a value the update changed, and an invalid item of a list it changed that nothing correlates', () => {
    expect(validate({ ...invalid, name: 'longer' }, schema, '', { value: invalid }).map((e) => e.field)).toEqual(['name']);
    expect(validate({ ...invalid, ports: [{ name: 'p', port: 501 }] }, schema, '', { value: invalid }).map((e) => e.field)).toEqual([
      'ports[0].port',
    ]);
    expect(validate({ ...invalid, tags: ['long', 'x'] }, schema, '', { value: invalid }).map((e) => e.field)).toEqual(['tags[0]']);
  });
});

describe('prune and applyDefaults', () => {
  it('removes unknown fields, keeps preserved and embedded metadata, and reports paths', () => {
    const obj = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a' },
      spec: {
        color: 'red',
        extra: 1,
        free: { anything: true },
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { a: 'x', b: 'y' } },
      },
      junk: true,
    };
    expect(prune(obj, schema).sort()).toEqual(['junk', 'spec.extra', 'spec.template.spec.b']);
    expect(obj.spec.free).toEqual({ anything: true });
    expect(obj.spec.template.metadata).toEqual({ name: 'p' });
  });

  it('fills defaults inside present objects only', () => {
    const withSpec = { spec: { color: 'red' } };
    applyDefaults(withSpec, schema);
    expect(withSpec.spec).toEqual({ color: 'red', replicas: 1 });
    const without: Record<string, unknown> = {};
    applyDefaults(without, schema);
    expect(without).toEqual({});
  });
});
