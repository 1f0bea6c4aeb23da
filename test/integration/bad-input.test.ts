/**
 * Inputs that must be refused with a Kubernetes Status, never stored and never a 500: repeated keys under
 * fieldValidation=Strict (a warning under Warn), strict patch errors, bodies nested too deep.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { MAX_JSON_DEPTH } from '../../src/endpoints/negotiation/json-scan.js';
import { call, type ClientIdentity, watchEvents } from '../support/client.js';
import { startTestServer, tempDir } from '../support/local.js';

/** A resource whose spec keeps whatever it is given, so deep and repeated values reach storage. */
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.input.example.com
spec:
  group: input.example.com
  scope: Namespaced
  names: {plural: things, singular: thing, kind: Thing}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                reference: {type: string}
                x: {x-kubernetes-preserve-unknown-fields: true}
`;
const NS = 'bad-input';
const base = `/apis/input.example.com/v1/namespaces/${NS}/things`;
const head = (name: string) => `{"apiVersion":"input.example.com/v1","kind":"Thing","metadata":{"name":"${name}"}`;
const JSON_HEADERS = { 'content-type': 'application/json' };
const MERGE = { 'content-type': 'application/merge-patch+json' };

describe('bad input', () => {
  const dir = tempDir('bad-input-it-');
  let local: LocalServer;
  let id: ClientIdentity;
  const req = (method: string, path: string, b?: unknown, h?: Record<string, string>) => call(local.url, id, method, path, b, h);
  const exists = async (name: string) => (await req('GET', `${base}/${name}`)).status === 200;

  beforeAll(async () => {
    const definitions = join(dir.path, 'things.yaml');
    writeFileSync(definitions, CRD);
    local = await startTestServer(dir.path, { apiDefinitions: [definitions] });
    id = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
  });
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  describe('repeated keys', () => {
    const dup = (name: string) => `${head(name)},"spec":{"reference":"a","reference":"b"}}`;

    it('are a 400 strict decoding error under fieldValidation=Strict, and nothing is stored', async () => {
      const res = await req('POST', `${base}?fieldValidation=Strict`, dup('strict-dup'), JSON_HEADERS);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({
        reason: 'BadRequest',
        message: 'Thing in version "v1" cannot be handled as a Thing: strict decoding error: duplicate field "spec.reference"',
      });
      expect(await exists('strict-dup')).toBe(false);
    });

    it('are a warning under Warn (the default), the last value winning as in Go', async () => {
      const res = await req('POST', base, dup('warn-dup'), JSON_HEADERS);
      expect(res.status).toBe(201);
      expect(res.headers.warning).toBe('299 - "duplicate field \\"spec.reference\\""');
      expect(res.json.spec.reference).toBe('b');
    });

    it('are silent under Ignore', async () => {
      const res = await req('POST', `${base}?fieldValidation=Ignore`, dup('ignore-dup'), JSON_HEADERS);
      expect(res.status).toBe(201);
      expect(res.headers.warning).toBeUndefined();
    });

    it('in a Strict merge patch, and unknown fields after it, are a 422 on the patch', async () => {
      const dupPatch = await req('PATCH', `${base}/warn-dup?fieldValidation=Strict`, '{"spec":{"reference":"c","reference":"d"}}', MERGE);
      expect(dupPatch.status).toBe(422);
      expect(dupPatch.json.details.causes).toEqual([expect.objectContaining({ reason: 'FieldValueInvalid', field: 'patch' })]);
      expect(dupPatch.json.message).toMatch(/strict decoding error: duplicate field "spec.reference"$/);
      const unknown = await req('PATCH', `${base}/warn-dup?fieldValidation=Strict`, { spec: { colour: 'red' } }, MERGE);
      expect(unknown.status).toBe(422);
      expect(unknown.json.message).toMatch(
        /^ "" is invalid: patch: Invalid value: ".*": strict decoding error: unknown field "spec.colour"$/,
      );
      expect((await req('GET', `${base}/warn-dup`)).json.spec.reference).toBe('b');
    });
  });

  describe('metadata of the wrong shape', () => {
    const withMeta = (name: string, meta: string) =>
      `{"apiVersion":"input.example.com/v1","kind":"Thing","metadata":{"name":"${name}",${meta}},"spec":{}}`;

    it.each([
      [
        'a name that is a number',
        '{"apiVersion":"input.example.com/v1","kind":"Thing","metadata":{"name":12345},"spec":{}}',
        'ObjectMeta.name of type string',
      ],
      ['finalizers that are a string', withMeta('fin', '"finalizers":"x"'), 'ObjectMeta.finalizers of type []string'],
      [
        'a generateName that is a number',
        '{"apiVersion":"input.example.com/v1","kind":"Thing","metadata":{"generateName":5},"spec":{}}',
        'ObjectMeta.generateName of type string',
      ],
      [
        'ownerReferences that are a string',
        withMeta('own', '"ownerReferences":"x"'),
        'ObjectMeta.ownerReferences of type []v1.OwnerReference',
      ],
    ])('refuses %s with 400, as Go decoding ObjectMeta does, and stores nothing', async (_what, text, goType) => {
      const res = await req('POST', base, text, JSON_HEADERS);
      expect(res.status).toBe(400);
      expect(res.json.message).toBe(
        `Thing in version "v1" cannot be handled as a Thing: json: cannot unmarshal ${text.includes(':12345') || text.includes(':5}') ? 'number' : 'string'} into Go struct field ${goType}`,
      );
      expect((await req('GET', base)).json.items.map((i: any) => i.metadata.name)).not.toContain('fin');
    });

    it('refuses owner references without their required fields, and two controllers, with 422 causes', async () => {
      const empty = await req('POST', base, withMeta('owned', '"ownerReferences":[{}]'), JSON_HEADERS);
      expect(empty.status).toBe(422);
      expect(empty.json.details.causes.map((c: any) => c.field)).toEqual(
        ['apiVersion', 'kind', 'name', 'uid'].map((f) => `metadata.ownerReferences[0].${f}`),
      );
      const ref = (name: string) => `{"apiVersion":"v1","kind":"ConfigMap","name":"${name}","uid":"u-${name}","controller":true}`;
      const two = await req('POST', base, withMeta('owned', `"ownerReferences":[${ref('a')},${ref('b')}]`), JSON_HEADERS);
      expect(two.status).toBe(422);
      expect(two.json.message).toMatch(/Only one reference can have Controller set to true/);
      expect(await exists('owned')).toBe(false);
    });

    it('counts the annotations limit in UTF-8 bytes', async () => {
      // 87,382 three-byte characters: 262,146 bytes, but only 87,382 UTF-16 units.
      const res = await req('POST', base, withMeta('annotated', `"annotations":{"a":"${'€'.repeat(87_382)}"}`), JSON_HEADERS);
      expect(res.status).toBe(422);
      expect(res.json.message).toMatch(/metadata.annotations: Too long: may not be more than 262144 bytes/);
    });
  });

  describe('nesting', () => {
    const nested = (depth: number) => `${head(`deep-${depth}`)},"spec":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;

    it(`keeps objects nested ${MAX_JSON_DEPTH} levels deep working on every read and write path`, async () => {
      const depth = MAX_JSON_DEPTH - 3;
      const created = await req('POST', base, nested(depth), JSON_HEADERS);
      expect(created.status, created.text.slice(0, 300)).toBe(201);
      const name = `deep-${depth}`;
      const patched = await req(
        'PATCH',
        `${base}/${name}`,
        `{"spec":{"reference":"r","x":${'['.repeat(depth)}1${']'.repeat(depth)}}}`,
        MERGE,
      );
      expect(patched.status, patched.text.slice(0, 300)).toBe(200);
      const current = await req('GET', `${base}/${name}`);
      expect(current.status).toBe(200);
      expect((await req('PUT', `${base}/${name}`, current.text, JSON_HEADERS)).status).toBe(200);
      expect((await req('GET', base)).status).toBe(200);
      expect((await req('GET', base, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).status).toBe(200);
      const watched = await watchEvents(local.url, id, `${base}?watch=true`, 1);
      expect(watched.events[0]?.type).toBe('ADDED');
      expect((await req('DELETE', `${base}/${name}`)).status).toBe(200);
    });

    it.each([MAX_JSON_DEPTH + 1, 2_000, 10_001, 100_000])('refuses a body nested %d levels with 400', async (depth) => {
      const res = await req('POST', base, nested(depth), JSON_HEADERS);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({
        kind: 'Status',
        reason: 'BadRequest',
        message: `json: exceeded max depth of ${MAX_JSON_DEPTH} nested levels`,
      });
    });

    it('refuses YAML nested too deep with 400', async () => {
      const depth = MAX_JSON_DEPTH + 1;
      const yaml = `apiVersion: wardle.example.com/v1alpha1\nkind: Flunder\nmetadata:\n  name: deep-yaml\nspec:\n  x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
      const res = await req('POST', base, yaml, { 'content-type': 'application/yaml' });
      expect(res.status).toBe(400);
      expect(res.json.reason).toBe('BadRequest');
    });
  });
});
