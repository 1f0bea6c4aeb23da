/**
 * ObjectMeta validation of a custom resource, table-driven as upstream's objectmeta tests are. Each case
 * names the apimachinery rule; the messages are those apimachinery v0.37.2 gives for the same metadata.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ObjectMeta } from '../../apimachinery/types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './validate-object-meta.js';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const ref = (name: string, more: object = {}): object => ({ apiVersion: 'v1', kind: 'K', name, uid: `uid-${name}`, ...more });

const render = (errs: { field: string; message: string }[]): string[] => errs.map((e) => `${e.field}: ${e.message}`);
const create = (meta: unknown, namespaced = true): string[] =>
  render(validateObjectMeta(meta as ObjectMeta, { namespaced, isCreate: true }));

describe('validateObjectMeta on create (ValidateObjectMetaAccessor, NameIsDNSSubdomain)', () => {
  it.each<[string, object, string[], boolean?]>([
    [
      'valid',
      {
        name: 'a.b-c',
        namespace: 'default',
        labels: { 'example.com/k': 'v_1' },
        annotations: { 'Example.com/Key': 'any value' },
        ownerReferences: [ref('o', { controller: true, blockOwnerDeletion: true })],
        finalizers: ['example.com/f'],
        managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: {} }],
      },
      [],
    ],
    ['generateName with the generated name', { generateName: 'pre-', name: 'pre-x2b4d', namespace: 'default' }, []],
    ['name: required', { namespace: 'default' }, ['metadata.name: Required value: name or generateName is required']],
    ['name: DNS subdomain', { name: 'Bad_Name', namespace: 'default' }, [`metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN}`]],
    [
      'name: at most 253 (util/validation says characters)',
      { name: 'a'.repeat(254), namespace: 'n' },
      [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`],
    ],
    [
      'generateName: subdomain after maskTrailingDash',
      { generateName: 'UP-', name: 'up-x2b4d', namespace: 'n' },
      [`metadata.generateName: Invalid value: "UP-": ${SUBDOMAIN}`],
    ],
    [
      'generateName: maskTrailingDash replaces the last two bytes, so "a.-" passes',
      { generateName: 'a.-', name: 'a.x2b4d', namespace: 'n' },
      [],
    ],
    [
      'generateName: a lone "-" is not masked',
      { generateName: '-', name: 'x2b4d', namespace: 'n' },
      [`metadata.generateName: Invalid value: "-": ${SUBDOMAIN}`],
    ],
    ['namespace: required when namespaced', { name: 'a' }, ['metadata.namespace: Required value']],
    [
      'namespace: forbidden when cluster-scoped',
      { name: 'a', namespace: 'default' },
      ['metadata.namespace: Forbidden: not allowed on this type'],
      false,
    ],
    ['namespace: DNS label', { name: 'a', namespace: 'A' }, [`metadata.namespace: Invalid value: "A": ${LABEL}`]],
    [
      'namespace: a subdomain is told it has dots',
      { name: 'a', namespace: 'a.b' },
      ['metadata.namespace: Invalid value: "a.b": must not contain dots'],
    ],
    [
      'generation: ValidateNonnegativeField',
      { name: 'a', namespace: 'n', generation: -1 },
      ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    ],
    ['labels: key name part', { name: 'a', namespace: 'n', labels: { '-k': 'v' } }, [`metadata.labels: Invalid value: "-k": ${NAME_PART}`]],
    [
      'labels: key prefix part (content package says bytes)',
      { name: 'a', namespace: 'n', labels: { 'Ex/k': 'v' } },
      [`metadata.labels: Invalid value: "Ex/k": prefix part ${SUBDOMAIN}`],
    ],
    [
      'labels: empty name part gets both messages (1.37)',
      { name: 'a', namespace: 'n', labels: { 'a/': 'v' } },
      ['metadata.labels: Invalid value: "a/": name part must be non-empty', `metadata.labels: Invalid value: "a/": ${NAME_PART}`],
    ],
    [
      'labels: value at most 63 bytes',
      { name: 'a', namespace: 'n', labels: { k: 'x'.repeat(64) } },
      [`metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 bytes`],
    ],
    [
      'labels: value format',
      { name: 'a', namespace: 'n', labels: { k: 'a b' } },
      [`metadata.labels: Invalid value: "a b": ${LABEL_VALUE}`],
    ],
    [
      'annotations: key checked lower-cased, reported as sent',
      { name: 'a', namespace: 'n', annotations: { 'A B': 'v' } },
      [`metadata.annotations: Invalid value: "A B": ${NAME_PART}`],
    ],
    ['annotations: 262144 bytes in all pass', { name: 'a', namespace: 'n', annotations: { k: 'x'.repeat(256 * 1024 - 1) } }, []],
    [
      'annotations: the limit counts UTF-8 bytes, not UTF-16 units',
      { name: 'a', namespace: 'n', annotations: { k: 'é'.repeat(128 * 1024) } },
      ['metadata.annotations: Too long: may not be more than 262144 bytes'],
    ],
    [
      'ownerReferences: apiVersion, kind, name and uid required',
      { name: 'a', namespace: 'n', ownerReferences: [{}] },
      [
        'metadata.ownerReferences[0].apiVersion: Required value: must not be empty',
        'metadata.ownerReferences[0].kind: Required value: must not be empty',
        'metadata.ownerReferences[0].name: Required value: must not be empty',
        'metadata.ownerReferences[0].uid: Required value: must not be empty',
      ],
    ],
    [
      'ownerReferences: uid required',
      { name: 'a', namespace: 'n', ownerReferences: [ref('o'), { apiVersion: 'v1', kind: 'K', name: 'p' }] },
      ['metadata.ownerReferences[1].uid: Required value: must not be empty'],
    ],
    [
      'ownerReferences: apiVersion parses as a GroupVersion',
      { name: 'a', namespace: 'n', ownerReferences: [ref('o', { apiVersion: 'a/b/c' }), ref('p', { apiVersion: 'g/' })] },
      [
        'metadata.ownerReferences[0].apiVersion: Invalid value: "a/b/c": must be <group>/<version> or <version>',
        'metadata.ownerReferences[1].apiVersion: Invalid value: "g/": must be <group>/<version> or <version>',
      ],
    ],
    [
      'ownerReferences: BannedOwners (an Event owns nothing)',
      { name: 'a', namespace: 'n', ownerReferences: [ref('e', { kind: 'Event' })] },
      [
        'metadata.ownerReferences[0]: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"uid-e"}: /v1, Kind=Event is disallowed from being an owner',
      ],
    ],
    [
      'ownerReferences: one controller at most',
      {
        name: 'a',
        namespace: 'n',
        ownerReferences: [ref('o', { controller: true }), ref('p', { controller: false }), ref('q', { controller: true })],
      },
      [
        'metadata.ownerReferences: Invalid value: [{"apiVersion":"v1","kind":"K","name":"o","uid":"uid-o","controller":true},{"apiVersion":"v1","kind":"K","name":"p","uid":"uid-p","controller":false},{"apiVersion":"v1","kind":"K","name":"q","uid":"uid-q","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for K/o and K/q',
      ],
    ],
    [
      'finalizers: qualified names, no index in the path',
      { name: 'a', namespace: 'n', finalizers: ['ok', 'a/b/c'] },
      [
        "metadata.finalizers: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
    [
      'finalizers: orphan and foregroundDeletion exclude each other',
      { name: 'a', namespace: 'n', finalizers: ['orphan', 'foregroundDeletion'] },
      ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set'],
    ],
    [
      'a repeated message is given once (ErrorList.ToAggregate)',
      { name: 'a', namespace: 'n', finalizers: ['', ''] },
      ['metadata.finalizers: Invalid value: "": name part must be non-empty', `metadata.finalizers: Invalid value: "": ${NAME_PART}`],
    ],
    [
      'managedFields: operation required',
      { name: 'a', namespace: 'n', managedFields: [{ manager: 'm' }] },
      ['metadata.managedFields[0].operation: Required value: must not be empty'],
    ],
    [
      'managedFields: operation Apply or Update (printed as JSON)',
      { name: 'a', namespace: 'n', managedFields: [{ operation: '<Patch>' }] },
      ['metadata.managedFields[0].operation: Unsupported value: "\\u003cPatch\\u003e": supported values: "Apply", "Update"'],
    ],
    [
      'managedFields: fieldsType FieldsV1',
      { name: 'a', namespace: 'n', managedFields: [{ operation: 'Update', fieldsType: 'FieldsV2' }] },
      ['metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`'],
    ],
    [
      'managedFields: ValidateFieldManager, printable (byte positions)',
      { name: 'a', namespace: 'n', managedFields: [{ operation: 'Update', manager: 'é\u0007' }] },
      ['metadata.managedFields[0].manager: Invalid value: "é\\a": invalid character U+0007 (at position 2)'],
    ],
    [
      'managedFields: manager at most 128 bytes',
      { name: 'a', namespace: 'n', managedFields: [{ operation: 'Update', manager: 'm'.repeat(129) }] },
      ['metadata.managedFields[0].manager: Too long: may not be more than 128 bytes'],
    ],
    [
      'managedFields: subresource at most 256 bytes',
      { name: 'a', namespace: 'n', managedFields: [{ operation: 'Update', subresource: 's'.repeat(257) }] },
      ['metadata.managedFields[0].subresource: Too long: may not be more than 256 bytes'],
    ],
  ])('%s', (_name, meta, want, namespaced = true) => {
    expect(create(meta, namespaced)).toEqual(want);
  });
});

describe('validateObjectMeta on metadata of the wrong type (upstream answers 400 earlier; see coerceObjectMeta)', () => {
  it.each<[string, unknown, string]>([
    [
      'name a number',
      { name: 12345, namespace: 'n' },
      'metadata: Invalid value: {"name":12345,"namespace":"n"}: json: cannot unmarshal number into Go struct field ObjectMeta.name of type string',
    ],
    [
      'generateName a number',
      { generateName: 5, namespace: 'n' },
      'metadata: Invalid value: {"generateName":5,"namespace":"n"}: json: cannot unmarshal number into Go struct field ObjectMeta.generateName of type string',
    ],
    [
      'finalizers a string',
      { name: 'a', finalizers: 'x' },
      'metadata: Invalid value: {"finalizers":"x","name":"a"}: json: cannot unmarshal string into Go struct field ObjectMeta.finalizers of type []string',
    ],
    [
      'ownerReferences a string',
      { name: 'a', ownerReferences: 'x' },
      'metadata: Invalid value: {"name":"a","ownerReferences":"x"}: json: cannot unmarshal string into Go struct field ObjectMeta.ownerReferences of type []v1.OwnerReference',
    ],
    ['metadata a string', 'x', 'metadata: Invalid value: "x": json: cannot unmarshal string into Go value of type v1.ObjectMeta'],
  ])('%s', (_name, meta, want) => {
    expect(create(meta)).toEqual([want]);
    expect(render(validateObjectMeta(meta as ObjectMeta, { namespaced: true, isCreate: false }))).toEqual([want]);
  });

  it("on update only the type errors: the rules are validateObjectMetaUpdate's", () => {
    expect(validateObjectMeta({ name: 'Bad_Name', finalizers: ['a/b/c'] }, { namespaced: true, isCreate: false })).toEqual([]);
  });
});

describe('validateObjectMetaUpdate (ValidateObjectMetaAccessorUpdate)', () => {
  const old: ObjectMeta = {
    name: 'a',
    namespace: 'n',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-01T00:00:00Z',
    deletionGracePeriodSeconds: 30,
    deletionTimestamp: '2024-02-01T00:00:00Z',
    finalizers: ['example.com/a'],
  };
  it.each<[string, object, string[], ObjectMeta?]>([
    ['unchanged', { ...old, labels: { x: 'y' } }, []],
    [
      'the same instant in another offset is the same time (Semantic.DeepEqual)',
      { ...old, creationTimestamp: '2024-01-01T01:00:00+01:00' },
      [],
    ],
    [
      'finalizer names are not checked on update',
      { ...old, deletionTimestamp: undefined, finalizers: ['a/b/c'] },
      [],
      { ...old, deletionTimestamp: undefined },
    ],
    [
      'resourceVersion required',
      { ...old, resourceVersion: undefined },
      ['metadata.resourceVersion: Invalid value: "": must be specified for an update'],
    ],
    [
      'generation not negative and not decremented',
      { ...old, generation: -1 },
      [
        'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
        'metadata.generation: Invalid value: -1: must not be decremented',
      ],
    ],
    ['name immutable (%q)', { ...old, name: 'b' }, ['metadata.name: Invalid value: "b": field is immutable']],
    ['namespace immutable', { ...old, namespace: 'm' }, ['metadata.namespace: Invalid value: "m": field is immutable']],
    [
      'uid immutable (types.UID printed as JSON)',
      { ...old, uid: '<u2>' },
      ['metadata.uid: Invalid value: "\\u003cu2\\u003e": field is immutable'],
    ],
    [
      'creationTimestamp immutable',
      { ...old, creationTimestamp: '2025-01-01T00:00:00Z' },
      ['metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable'],
    ],
    [
      'deletionTimestamp immutable, nil printed null',
      { ...old, deletionTimestamp: undefined },
      ['metadata.deletionTimestamp: Invalid value: null: field is immutable'],
    ],
    [
      'deletionGracePeriodSeconds immutable',
      { ...old, deletionGracePeriodSeconds: 0 },
      ['metadata.deletionGracePeriodSeconds: Invalid value: 0: field is immutable'],
    ],
    [
      'no new finalizers once deleting (ValidateNoNewFinalizers, sorted)',
      { ...old, finalizers: ['example.com/a', 'z', 'b'] },
      [
        'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b", "z"}',
      ],
    ],
    [
      'labels, owner references and managed fields still checked',
      { ...old, labels: { '-k': 'v' }, ownerReferences: [{}], managedFields: [{}] },
      [
        `metadata.labels: Invalid value: "-k": ${NAME_PART}`,
        'metadata.ownerReferences[0].apiVersion: Required value: must not be empty',
        'metadata.ownerReferences[0].kind: Required value: must not be empty',
        'metadata.ownerReferences[0].name: Required value: must not be empty',
        'metadata.ownerReferences[0].uid: Required value: must not be empty',
        'metadata.managedFields[0].operation: Required value: must not be empty',
      ],
    ],
    ['wrong types give nothing here (validateObjectMeta reports them)', { ...old, name: 5 }, []],
  ])('%s', (_name, meta, want, before = old) => {
    expect(render(validateObjectMetaUpdate(meta as ObjectMeta, before))).toEqual(want);
  });
});

describe('validation of arbitrary JSON as metadata', () => {
  const shaped = fc.dictionary(
    fc.constantFrom(
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
    ),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const metadata = fc.oneof(fc.jsonValue(), shaped);

  it('gives field errors or none, and never throws', () => {
    fc.assert(
      fc.property(metadata, metadata, fc.boolean(), (meta, old, namespaced) => {
        const errs = [
          ...validateObjectMeta(meta as ObjectMeta, { namespaced, isCreate: true }),
          ...validateObjectMetaUpdate(meta as ObjectMeta, old as ObjectMeta),
        ];
        for (const e of errs) {
          expect(typeof e.field).toBe('string');
          expect(typeof e.message).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('metadata nested deeper than the call stack gives its error, not a RangeError', () => {
    const deep: unknown = JSON.parse(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`);
    expect(create({ name: 1, zz: deep })).toEqual([
      expect.stringMatching(
        /^metadata: Invalid value: \{"name":1,"zz":\[\[\[.*: json: cannot unmarshal number into Go struct field ObjectMeta\.name of type string$/,
      ),
    ]);
    expect(validateObjectMetaUpdate({ managedFields: [{ operation: 'Apply', fieldsV1: deep }] } as ObjectMeta, { name: 'a' })).toHaveLength(
      2,
    );
  });
});
