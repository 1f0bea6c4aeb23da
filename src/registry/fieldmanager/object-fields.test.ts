import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from '../definitions/types.js';
import { encodeFieldsV1 } from './fields-v1.js';
import { FieldSetError, fieldsOf } from './object-fields.js';
import type { Value } from './value.js';

const str: JSONSchemaProps = { type: 'string' };
const int: JSONSchemaProps = { type: 'integer' };

/** A CRD schema with one field of each kind of ownership. */
const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    // A CRD may describe metadata; the served type is ObjectMeta all the same.
    metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } },
    spec: {
      type: 'object',
      properties: {
        size: int,
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name', 'port'],
          items: { type: 'object', properties: { name: str, port: int, appProtocol: str } },
        },
        routes: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['path', 'protocol'],
          items: { type: 'object', properties: { path: str, protocol: { type: 'string', default: 'TCP' }, backend: str } },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: str },
        args: { type: 'array', items: str },
        explicitAtomic: { type: 'array', 'x-kubernetes-list-type': 'atomic', items: str },
        selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: str },
        env: { type: 'object', additionalProperties: str },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { name: str, nested: { type: 'object', properties: { known: str } } },
        },
        port: { 'x-kubernetes-int-or-string': true },
        anything: {},
      },
    },
  },
};

const fields = (obj: Value, s: JSONSchemaProps | undefined = schema) => encodeFieldsV1(fieldsOf(obj, s));

describe('fieldsOf (typed/toset_test.go)', () => {
  it('records what kubectl apply --server-side sends for a custom resource', () => {
    const applied = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: {
        name: 'w',
        namespace: 'default',
        labels: { app: 'web' },
        annotations: { note: 'x' },
        finalizers: ['example.com/cleanup'],
      },
      spec: { size: 3, ports: [{ name: 'http', port: 80 }], tags: ['b', 'a'], args: ['--v=2'] },
    };
    expect(fields(applied)).toBe(
      '{"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:annotations":{"f:note":{}},"f:finalizers":{"v:\\"example.com/cleanup\\"":{}},"f:labels":{"f:app":{}},"f:name":{},"f:namespace":{}},"f:spec":{"f:args":{},"f:ports":{"k:{\\"name\\":\\"http\\",\\"port\\":80}":{".":{},"f:name":{},"f:port":{}}},"f:size":{},"f:tags":{"v:\\"a\\"":{},"v:\\"b\\"":{}}}}',
    );
  });

  const table: [string, Value, string][] = [
    ['an empty object owns nothing', {}, '{}'],
    ['a declared field set to null is owned', { spec: { size: null } }, '{"f:spec":{"f:size":{}}}'],
    ['a declared object set to null is owned', { spec: null }, '{"f:spec":{}}'],
    ['a declared object set to {} is owned', { spec: {} }, '{"f:spec":{}}'],
    ['an empty granular list owns nothing, not even itself', { spec: { tags: [] } }, '{}'],
    ['an empty atomic list is owned', { spec: { args: [] } }, '{"f:spec":{"f:args":{}}}'],
    ['an explicitly atomic list is a leaf', { spec: { explicitAtomic: ['a', 'b'] } }, '{"f:spec":{"f:explicitAtomic":{}}}'],
    ['a null set-list is owned', { spec: { tags: null } }, '{"f:spec":{"f:tags":{}}}'],
    ['an atomic map is a leaf', { spec: { selector: { app: 'web' } } }, '{"f:spec":{"f:selector":{}}}'],
    ['additionalProperties keys are owned one by one', { spec: { env: { B: '2', A: '1' } } }, '{"f:spec":{"f:env":{"f:A":{},"f:B":{}}}}'],
    [
      'an additionalProperties key holding {} is owned',
      { spec: { env: { A: {} } } as unknown as Value },
      '{"f:spec":{"f:env":{"f:A":{}}}}',
    ],
    [
      'preserved unknown fields are deduced: maps granular, lists atomic',
      { spec: { config: { a: { b: 1, c: [1, { d: 2 }] }, e: 'x' } } },
      '{"f:spec":{"f:config":{"f:a":{".":{},"f:b":{},"f:c":{}},"f:e":{}}}}',
    ],
    [
      'preserve-unknown-fields reaches declared objects below it',
      { spec: { template: { name: 'n', extra: 1, nested: { known: 'k', unknown: { x: 1 } } } } },
      '{"f:spec":{"f:template":{"f:extra":{},"f:name":{},"f:nested":{"f:known":{},"f:unknown":{".":{},"f:x":{}}}}}}',
    ],
    ['int-or-string is a scalar', { spec: { port: 'http' } }, '{"f:spec":{"f:port":{}}}'],
    ['a node without a type deduces a map', { spec: { anything: { a: { b: 1 } } } }, '{"f:spec":{"f:anything":{"f:a":{".":{},"f:b":{}}}}}'],
    ['a node without a type keeps a list atomic', { spec: { anything: [{ a: 1 }] } }, '{"f:spec":{"f:anything":{}}}'],
    [
      'a map-list key missing from the item takes its default',
      { spec: { routes: [{ path: '/', backend: 'b' }] } },
      '{"f:spec":{"f:routes":{"k:{\\"path\\":\\"/\\",\\"protocol\\":\\"TCP\\"}":{".":{},"f:backend":{},"f:path":{}}}}}',
    ],
    [
      'a map-list key with neither value nor default is left out of the key',
      { spec: { ports: [{ name: 'http', appProtocol: 'h2' }] } },
      '{"f:spec":{"f:ports":{"k:{\\"name\\":\\"http\\"}":{".":{},"f:appProtocol":{},"f:name":{}}}}}',
    ],
    [
      'a set-list item that appears twice is owned once',
      { spec: { tags: ['a', 'a', 'b'] } },
      '{"f:spec":{"f:tags":{"v:\\"a\\"":{},"v:\\"b\\"":{}}}}',
    ],
    [
      'a map-list item that appears twice is owned whole, without its fields',
      {
        spec: {
          ports: [
            { name: 'x', port: 1, appProtocol: 'a' },
            { name: 'x', port: 1 },
            { name: 'y', port: 2 },
          ],
        },
      },
      '{"f:spec":{"f:ports":{"k:{\\"name\\":\\"x\\",\\"port\\":1}":{},"k:{\\"name\\":\\"y\\",\\"port\\":2}":{".":{},"f:name":{},"f:port":{}}}}}',
    ],
    [
      'ownerReferences are a map list keyed by uid, each owned whole',
      { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u1', controller: true }] } },
      '{"f:metadata":{"f:ownerReferences":{"k:{\\"uid\\":\\"u1\\"}":{}}}}',
    ],
    [
      'metadata is ObjectMeta whatever the CRD declares',
      { metadata: { labels: { a: '1' }, generateName: 'w-' } },
      '{"f:metadata":{"f:generateName":{},"f:labels":{"f:a":{}}}}',
    ],
    ['managedFields are atomic', { metadata: { managedFields: [{ manager: 'm' }] } }, '{"f:metadata":{"f:managedFields":{}}}'],
  ];
  it.each(table)('%s', (_name, obj, expected) => {
    expect(fields(obj)).toBe(expected);
  });

  it('deduces everything when the version has no schema: finalizers become one atomic list', () => {
    // Every key is undeclared, so every object is owned itself as well as its fields.
    const obj = { metadata: { finalizers: ['a'], labels: { x: 'y' } }, spec: { a: [1], b: { c: 1 } } };
    expect(encodeFieldsV1(fieldsOf(obj, undefined))).toBe(
      '{"f:metadata":{".":{},"f:finalizers":{},"f:labels":{".":{},"f:x":{}}},"f:spec":{".":{},"f:a":{},"f:b":{".":{},"f:c":{}}}}',
    );
  });

  it('accepts any top-level field under a root that preserves unknown fields', () => {
    const open: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    expect(fields({ extra: { a: 1 }, metadata: { finalizers: ['f'] } }, open)).toBe(
      '{"f:extra":{".":{},"f:a":{}},"f:metadata":{"f:finalizers":{"v:\\"f\\"":{}}}}',
    );
  });

  const errors: [string, Value, string][] = [
    ['a field the schema does not declare', { spec: { bogus: 1 } }, '.spec.bogus: field not declared in schema'],
    [
      'a map-list item without any key',
      { spec: { ports: [{ appProtocol: 'h2' }] } },
      `.spec.ports: associative list with keys has an element that omits all key fields ["name" "port"] (and doesn't have default values for any key fields)`,
    ],
    ['a null map-list item', { spec: { ports: [null] } }, '.spec.ports: associative list with keys may not have a null element'],
    ['a scalar map-list item', { spec: { ports: ['x'] } }, '.spec.ports: associative list with keys may not have non-map elements'],
    ['a map in a set list', { spec: { tags: [{ a: 1 }] } }, ".spec.tags: associative list without keys has an element that's a map type"],
    [
      'a null in a set list',
      { spec: { tags: [null] } },
      ".spec.tags: associative list without keys has an element that's an explicit null",
    ],
  ];
  it.each(errors)('rejects %s', (_name, obj, message) => {
    expect(() => fieldsOf(obj, schema)).toThrow(FieldSetError);
    expect(() => fieldsOf(obj, schema)).toThrow(message);
  });
});
