/**
 * The decode stage of a custom resource's metadata (apiextensions-apiserver `GetObjectMetaWithOptions`
 * + `SetObjectMeta`). Every message was measured against apimachinery v0.37.2's decoder.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coerceObjectMeta } from './coerce-object-meta.js';

const into = (field: string, value: string, type: string): string =>
  `json: cannot unmarshal ${value} into Go struct field ${field} of type ${type}`;

describe('coerceObjectMeta: type errors (upstream: 400 "<Kind> in version ... cannot be handled as a <Kind>: <error>")', () => {
  it.each<[string, unknown, string]>([
    ['string field given a number', { name: 12345 }, into('ObjectMeta.name', 'number', 'string')],
    ['generateName given a number', { generateName: 5 }, into('ObjectMeta.generateName', 'number', 'string')],
    ['string field given a bool', { namespace: true }, into('ObjectMeta.namespace', 'bool', 'string')],
    ['uid prints its named type', { uid: {} }, into('ObjectMeta.uid', 'object', 'types.UID')],
    ['string field given an array', { resourceVersion: [] }, into('ObjectMeta.resourceVersion', 'array', 'string')],
    ['int64 given a fraction: the number is printed', { generation: 1.5 }, into('ObjectMeta.generation', 'number 1.5', 'int64')],
    ['int64 overflow, printed as Go prints the float', { generation: 1e21 }, into('ObjectMeta.generation', 'number 1e+21', 'int64')],
    ['int64 given a string', { generation: '1' }, into('ObjectMeta.generation', 'string', 'int64')],
    ['*int64 given a string', { deletionGracePeriodSeconds: '30' }, into('ObjectMeta.deletionGracePeriodSeconds', 'string', 'int64')],
    ['map given a string', { labels: 'x' }, into('ObjectMeta.labels', 'string', 'map[string]string')],
    ['map value: no key in the path', { labels: { a: 1 } }, into('ObjectMeta.labels', 'number', 'string')],
    ['annotation value', { annotations: { a: true } }, into('ObjectMeta.annotations', 'bool', 'string')],
    ['ownerReferences not a list', { ownerReferences: 'x' }, into('ObjectMeta.ownerReferences', 'string', '[]v1.OwnerReference')],
    ['owner reference not an object', { ownerReferences: [5] }, into('ObjectMeta.ownerReferences', 'number', 'v1.OwnerReference')],
    [
      'owner reference field: innermost struct, path without index',
      { ownerReferences: [{ uid: 5 }] },
      into('OwnerReference.ownerReferences.uid', 'number', 'types.UID'),
    ],
    [
      'controller not a bool',
      { ownerReferences: [{ controller: 'yes' }] },
      into('OwnerReference.ownerReferences.controller', 'string', 'bool'),
    ],
    ['finalizers not a list', { finalizers: 'x' }, into('ObjectMeta.finalizers', 'string', '[]string')],
    ['finalizer not a string', { finalizers: [1] }, into('ObjectMeta.finalizers', 'number', 'string')],
    ['managedFields not a list', { managedFields: {} }, into('ObjectMeta.managedFields', 'object', '[]v1.ManagedFieldsEntry')],
    [
      'operation prints its named type',
      { managedFields: [{ operation: 1 }] },
      into('ManagedFieldsEntry.managedFields.operation', 'number', 'v1.ManagedFieldsOperationType'),
    ],
    [
      'metav1.Time given a number: its UnmarshalJSON wants a string',
      { creationTimestamp: 5 },
      into('ObjectMeta.creationTimestamp', 'number', 'string'),
    ],
    [
      'managedFields time given a number',
      { managedFields: [{ time: 5 }] },
      into('ManagedFieldsEntry.managedFields.time', 'number', 'string'),
    ],
    [
      'time.Parse error, as is',
      { creationTimestamp: 'abc' },
      'parsing time "abc" as "2006-01-02T15:04:05Z07:00": cannot parse "abc" as "2006"',
    ],
    ['empty timestamp is no null', { creationTimestamp: '' }, 'parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006"'],
    [
      'deletionTimestamp out of range',
      { deletionTimestamp: '2024-13-01T00:00:00Z' },
      'parsing time "2024-13-01T00:00:00Z": month out of range',
    ],
    ['metadata a string', 'x', 'json: cannot unmarshal string into Go value of type v1.ObjectMeta'],
    ['metadata a list', [], 'json: cannot unmarshal array into Go value of type v1.ObjectMeta'],
    ['metadata a number', 7, 'json: cannot unmarshal number into Go value of type v1.ObjectMeta'],
    [
      "first error in Go's key order (metadata is re-marshalled with sorted keys)",
      { name: 1, annotations: 1 },
      into('ObjectMeta.annotations', 'number', 'map[string]string'),
    ],
    [
      'an UnmarshalJSON error wins over a saved type error',
      { annotations: 1, creationTimestamp: 'x' },
      'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"',
    ],
  ])('%s', (_name, meta, error) => {
    expect(coerceObjectMeta(meta)).toEqual({ ok: false, error });
  });
});

describe('coerceObjectMeta: what is stored (SetObjectMeta of the typed ObjectMeta)', () => {
  it.each<[string, unknown, Record<string, unknown>, string[]?]>([
    ['absent or null metadata is empty', null, {}],
    [
      'omitempty drops empty strings, zero generation, empty maps and lists',
      { name: 'a', uid: '', generation: 0, labels: {}, annotations: null, finalizers: [], ownerReferences: null },
      { name: 'a' },
    ],
    ['pointers keep their zero value', { deletionGracePeriodSeconds: 0 }, { deletionGracePeriodSeconds: 0 }],
    ['null map and list entries become ""', { labels: { a: null }, finalizers: [null, 'x'] }, { labels: { a: '' }, finalizers: ['', 'x'] }],
    [
      'an owner reference always has its four required keys, *bool only when set',
      { ownerReferences: [null, { kind: 'K', controller: null, blockOwnerDeletion: false }] },
      {
        ownerReferences: [
          { apiVersion: '', kind: '', name: '', uid: '' },
          { apiVersion: '', kind: 'K', name: '', uid: '', blockOwnerDeletion: false },
        ],
      },
    ],
    [
      'timestamps in UTC, whole seconds',
      { creationTimestamp: '2024-01-01T01:02:03.5+01:00' },
      { creationTimestamp: '2024-01-01T00:02:03Z' },
    ],
    [
      'the zero time: creationTimestamp omitted (omitzero), a *Time written null',
      { creationTimestamp: '0001-01-01T00:00:00Z', deletionTimestamp: '0001-01-01T00:00:00Z' },
      { deletionTimestamp: null },
    ],
    [
      'fieldsV1 is raw JSON, kept as sent',
      { managedFields: [{ operation: 'Apply', fieldsV1: 'x', time: null }] },
      { managedFields: [{ operation: 'Apply', fieldsV1: 'x' }] },
    ],
    [
      'unknown nested fields are dropped and named for fieldValidation',
      { name: 'a', ownerReferences: [{ uid: 'u', foo: 1 }], managedFields: [{ bar: 2 }], zz: 1, Name: 'b' },
      { name: 'a', ownerReferences: [{ apiVersion: '', kind: '', name: '', uid: 'u' }], managedFields: [{}] },
      ['metadata.Name', 'metadata.managedFields[0].bar', 'metadata.ownerReferences[0].foo', 'metadata.zz'],
    ],
  ])('%s', (_name, raw, meta, unknownFields = []) => {
    expect(coerceObjectMeta(raw)).toEqual({ ok: true, meta, unknownFields });
  });
});

describe('coerceObjectMeta on arbitrary JSON', () => {
  const field = fc.constantFrom(
    'name',
    'generateName',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'labels',
    'annotations',
    'ownerReferences',
    'finalizers',
    'managedFields',
  );
  const metadata = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(field, fc.jsonValue({ maxDepth: 3 })),
    fc.record({
      ownerReferences: fc.array(
        fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'name', 'uid', 'controller'), fc.jsonValue({ maxDepth: 1 })),
      ),
    }),
    fc.record({
      managedFields: fc.array(fc.dictionary(fc.constantFrom('operation', 'time', 'fieldsV1', 'manager'), fc.jsonValue({ maxDepth: 1 }))),
    }),
  );

  it('gives typed metadata or an error, never throws, and its output decodes to itself', () => {
    fc.assert(
      fc.property(metadata, (raw) => {
        const got = coerceObjectMeta(raw);
        if (got.ok) expect(coerceObjectMeta(got.meta)).toEqual({ ok: true, meta: got.meta, unknownFields: [] });
        else expect(typeof got.error).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });
});
