/** ObjectMeta validation with apimachinery's wording, table-driven as upstream's objectmeta tests are. */
import { describe, expect, it } from 'vitest';
import type { ObjectMeta } from '../../apimachinery/types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './validate-object-meta.js';

const summary = (meta: ObjectMeta, namespaced = true): string[] =>
  validateObjectMeta(meta, { namespaced, isCreate: true }).map((e) => `${e.field}: ${e.message}`);

describe('validateObjectMeta', () => {
  it.each<[string, ObjectMeta, boolean, RegExp[]]>([
    ['valid', { name: 'a.b-c', namespace: 'default', labels: { 'example.com/k': 'v_1' }, finalizers: ['example.com/f'] }, true, []],
    ['generateName with the generated name', { generateName: 'pre-', name: 'pre-x2b4d', namespace: 'default' }, true, []],
    ['no name', { namespace: 'default' }, true, [/^metadata\.name: Required value: name or generateName is required$/]],
    ['bad name', { name: 'Bad_Name', namespace: 'default' }, true, [/^metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/]],
    ['bad generateName', { generateName: 'UP-', name: 'up-x2b4d', namespace: 'default' }, true, [/^metadata\.generateName: Invalid value: "UP-": a lowercase RFC 1123 subdomain/]],
    ['namespace required', { name: 'a' }, true, [/^metadata\.namespace: Required value$/]],
    ['namespace forbidden', { name: 'a', namespace: 'default' }, false, [/^metadata\.namespace: Forbidden: not allowed on this type$/]],
    ['bad namespace', { name: 'a', namespace: 'a.b' }, true, [/^metadata\.namespace: Invalid value: "a\.b": a lowercase RFC 1123 label must consist of/]],
    ['label value too long', { name: 'a', namespace: 'n', labels: { k: 'x'.repeat(64) } }, true, [/^metadata\.labels: Invalid value: "x{64}": must be no more than 63 characters$/]],
    ['bad label key', { name: 'a', namespace: 'n', labels: { '-k': 'v' } }, true, [/^metadata\.labels: Invalid value: "-k": name part must consist of alphanumeric characters/]],
    ['bad label prefix', { name: 'a', namespace: 'n', labels: { 'Ex/k': 'v' } }, true, [/^metadata\.labels: Invalid value: "Ex\/k": prefix part a lowercase RFC 1123 subdomain/]],
    ['annotations too big', { name: 'a', namespace: 'n', annotations: { k: 'x'.repeat(256 * 1024) } }, true, [/^metadata\.annotations: Too long: may not be more than 262144 bytes$/]],
    ['bad finalizer', { name: 'a', namespace: 'n', finalizers: ['a/b/c'] }, true, [/^metadata\.finalizers\[0\]: Invalid value: "a\/b\/c": a qualified name must consist of/]],
  ])('%s', (_name, meta, namespaced, want) => {
    const got = summary(meta, namespaced);
    expect(got).toHaveLength(want.length);
    want.forEach((re, i) => expect(got[i]).toMatch(re));
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = { name: 'a', namespace: 'n', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z' };
  it.each<[string, ObjectMeta, string[]]>([
    ['unchanged', { ...old, labels: { x: 'y' } }, []],
    ['name', { ...old, name: 'b' }, ['metadata.name: Invalid value: "b": field is immutable']],
    ['namespace', { ...old, namespace: 'm' }, ['metadata.namespace: Invalid value: "m": field is immutable']],
    ['uid', { ...old, uid: 'u2' }, ['metadata.uid: Invalid value: "u2": field is immutable']],
    ['creationTimestamp', { ...old, creationTimestamp: '2025-01-01T00:00:00Z' }, ['metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable']],
  ])('%s', (_name, meta, want) => {
    expect(validateObjectMetaUpdate(meta, old).map((e) => `${e.field}: ${e.message}`)).toEqual(want);
  });
});
