/**
 * Deletion and update semantics that lose data when they are wrong, over raw HTTPS and the real kubectl:
 * DeleteOptions from the body and the query (dry runs delete nothing), their validation, the garbage
 * collector's Orphan and Foreground finalizers, delete preconditions, and updates that must be conditional.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { call, type ClientIdentity } from '../support/client.js';
import { Kubectl } from '../support/kubectl.js';
import { startTestServer, tempDir } from '../support/local.js';

const NS = 'deletion';
const base = `/apis/wardle.example.com/v1alpha1/namespaces/${NS}/flunders`;
const flunder = (name: string, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'wardle.example.com/v1alpha1',
  kind: 'Flunder',
  metadata: { name, ...metadata },
  spec: {},
});

describe('deletion and update semantics', () => {
  const dir = tempDir('deletion-it-');
  let local: LocalServer;
  let id: ClientIdentity;
  let kubectl: Kubectl;
  const req = (method: string, path: string, b?: unknown, h?: Record<string, string>) => call(local.url, id, method, path, b, h);
  const create = async (name: string, metadata: Record<string, unknown> = {}) => {
    const res = await req('POST', base, flunder(name, metadata));
    expect(res.status, res.text).toBe(201);
    return res.json;
  };
  const exists = async (name: string) => (await req('GET', `${base}/${name}`)).status === 200;

  beforeAll(async () => {
    local = await startTestServer(dir.path);
    id = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
    kubectl = new Kubectl(local.kubeconfigPath);
  });
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  describe('dry runs delete nothing', () => {
    it('kubectl delete --dry-run=server (DeleteOptions in the body) keeps the object', async () => {
      await create('dry-one');
      const out = await kubectl.ok(['delete', 'flunder', 'dry-one', '-n', NS, '--dry-run=server']);
      expect(out).toContain('deleted (server dry run)');
      expect(await exists('dry-one')).toBe(true);
    });

    it('kubectl delete -l ... --dry-run=server keeps every selected object', async () => {
      await create('dry-sel-a', { labels: { dry: 'sel' } });
      await create('dry-sel-b', { labels: { dry: 'sel' } });
      await kubectl.ok(['delete', 'flunders', '-l', 'dry=sel', '-n', NS, '--dry-run=server']);
      expect(await exists('dry-sel-a')).toBe(true);
      expect(await exists('dry-sel-b')).toBe(true);
    });

    it('deletecollection with dryRun in the body returns the selection and keeps it', async () => {
      const res = await req('DELETE', `${base}?labelSelector=dry%3Dsel`, { dryRun: ['All'] });
      expect(res.status).toBe(200);
      expect(res.json.items.map((i: any) => i.metadata.name).sort()).toEqual(['dry-sel-a', 'dry-sel-b']);
      expect(await exists('dry-sel-a')).toBe(true);
    });

    it('a dry run of a delete held by finalizers shows the mark and writes nothing', async () => {
      const created = await create('dry-final', { finalizers: ['example.com/hold'] });
      const res = await req('DELETE', `${base}/dry-final`, { dryRun: ['All'] });
      expect(res.status).toBe(200);
      expect(res.json.metadata.deletionTimestamp).toBeTruthy();
      const after = (await req('GET', `${base}/dry-final`)).json;
      expect(after.metadata.deletionTimestamp).toBeUndefined();
      expect(after.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    });

    it('reads the query only when there is no body, as upstream', async () => {
      await create('dry-query');
      expect((await req('DELETE', `${base}/dry-query?dryRun=All`)).status).toBe(200);
      expect(await exists('dry-query')).toBe(true);
    });
  });

  describe('invalid DeleteOptions change nothing', () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      [
        'an unknown propagationPolicy in the body',
        '',
        { propagationPolicy: 'Bogus' },
        422,
        /^DeleteOptions\.meta\.k8s\.io "" is invalid: propagationPolicy: Unsupported value: "Bogus": supported values: "Foreground", "Background", "Orphan", "nil"$/,
      ],
      [
        'an unknown propagationPolicy in the query',
        '?propagationPolicy=Bogus',
        undefined,
        422,
        /propagationPolicy: Unsupported value: "Bogus"/,
      ],
      ['an unknown dryRun value', '?dryRun=Some', undefined, 422, /dryRun: Unsupported value: \["Some"\]: supported values: "All"/],
      [
        'orphanDependents with propagationPolicy',
        '',
        { orphanDependents: true, propagationPolicy: 'Orphan' },
        422,
        /orphanDependents and deletionPropagation cannot be both set/,
      ],
      [
        'a precondition uid of the wrong type',
        '',
        { preconditions: { uid: 5 } },
        400,
        /cannot unmarshal number into Go struct field Preconditions\.preconditions\.uid of type string/,
      ],
      ['a body that is a list', '', [], 400, /cannot unmarshal array/],
      [
        'a gracePeriodSeconds that is not a number',
        '?gracePeriodSeconds=abc',
        undefined,
        400,
        /strconv\.ParseInt: parsing "abc": invalid syntax/,
      ],
      [
        'a body of another kind',
        '',
        { kind: 'Flunder', apiVersion: 'wardle.example.com/v1alpha1' },
        400,
        /no kind "Flunder" is registered/,
      ],
    ];
    it.each(cases)('refuses %s', async (_what, query, body, code, message) => {
      await create('keep-me');
      const res = await req('DELETE', `${base}/keep-me${query}`, body);
      expect(res.status).toBe(code);
      expect(res.json.message).toMatch(message);
      expect(res.json.reason).toBe(code === 422 ? 'Invalid' : 'BadRequest');
      expect(await exists('keep-me')).toBe(true);
      const coll = await req('DELETE', `${base}${query}`, body);
      expect(coll.status).toBe(code);
      expect(await exists('keep-me')).toBe(true);
      await req('DELETE', `${base}/keep-me`);
    });
  });

  describe('propagation policies', () => {
    it('Orphan adds the orphan finalizer and keeps the object for the garbage collector', async () => {
      const created = await create('orphan-me');
      const res = await req('DELETE', `${base}/orphan-me`, { propagationPolicy: 'Orphan' });
      expect(res.status).toBe(200);
      expect(res.json.metadata).toMatchObject({ finalizers: ['orphan'], deletionGracePeriodSeconds: 0, generation: 2 });
      expect(res.json.metadata.deletionTimestamp).toBeTruthy();
      expect(res.json.metadata.uid).toBe(created.metadata.uid);
      expect(await exists('orphan-me')).toBe(true);
    });

    it('kubectl delete --cascade=orphan and --cascade=foreground leave the work to the garbage collector', async () => {
      await create('cascade-orphan');
      await create('cascade-foreground');
      await kubectl.ok(['delete', 'flunder', 'cascade-orphan', '-n', NS, '--cascade=orphan', '--wait=false']);
      await kubectl.ok(['delete', 'flunder', 'cascade-foreground', '-n', NS, '--cascade=foreground', '--wait=false']);
      expect((await req('GET', `${base}/cascade-orphan`)).json.metadata.finalizers).toEqual(['orphan']);
      expect((await req('GET', `${base}/cascade-foreground`)).json.metadata.finalizers).toEqual(['foregroundDeletion']);
    });

    it('Foreground adds foregroundDeletion beside the finalizers already there', async () => {
      await create('fg', { finalizers: ['example.com/hold'] });
      const res = await req('DELETE', `${base}/fg?propagationPolicy=Foreground`);
      expect(res.json.metadata.finalizers).toEqual(['example.com/hold', 'foregroundDeletion']);
    });

    it('an object carrying the orphan finalizer is orphaned by default, and Background takes the finalizer away', async () => {
      await create('default-orphan', { finalizers: ['orphan'] });
      const kept = await req('DELETE', `${base}/default-orphan`);
      expect(kept.json.metadata.finalizers).toEqual(['orphan']);
      expect(kept.json.metadata.deletionTimestamp).toBeTruthy();
      const gone = await req('DELETE', `${base}/default-orphan`, { propagationPolicy: 'Background' });
      expect(gone.status).toBe(200);
      expect(gone.json).toMatchObject({ kind: 'Status', status: 'Success' });
      expect(await exists('default-orphan')).toBe(false);
    });

    it('the object goes once the garbage collector removes its finalizer', async () => {
      const marked = (await req('GET', `${base}/orphan-me`)).json;
      const res = await req(
        'PATCH',
        `${base}/orphan-me`,
        [
          { op: 'test', path: '/metadata/resourceVersion', value: marked.metadata.resourceVersion },
          { op: 'remove', path: '/metadata/finalizers' },
        ],
        { 'content-type': 'application/json-patch+json' },
      );
      expect(res.status).toBe(200);
      expect(await exists('orphan-me')).toBe(false);
    });

    it('answers 202 to a cascading delete asked with orphanDependents=false that finalizers hold', async () => {
      await create('old-client', { finalizers: ['example.com/hold'] });
      expect((await req('DELETE', `${base}/old-client`, { orphanDependents: false })).status).toBe(202);
    });
  });

  describe('preconditions', () => {
    it('refuses a delete whose uid precondition does not match, naming the kind', async () => {
      await create('pre');
      const res = await req('DELETE', `${base}/pre`, { preconditions: { uid: 'not-the-uid' } });
      expect(res.status).toBe(409);
      expect(res.json.details).toMatchObject({ name: 'pre', group: 'wardle.example.com', kind: 'Flunder' });
      expect(res.json.message).toMatch(
        /^Operation cannot be fulfilled on Flunder\.wardle\.example\.com "pre": the UID in the precondition \(not-the-uid\) does not match the UID in record/,
      );
      expect(await exists('pre')).toBe(true);
    });

    it('refuses a delete whose resourceVersion precondition is stale', async () => {
      const res = await req('DELETE', `${base}/pre`, { preconditions: { resourceVersion: '1' } });
      expect(res.status).toBe(409);
      expect(res.json.message).toMatch(/the ResourceVersion in the precondition \(1\) does not match/);
    });
  });

  describe('updates are conditional', () => {
    it('refuses a PUT without metadata.resourceVersion with 422, and stores nothing', async () => {
      const created = await create('put-me');
      const res = await req('PUT', `${base}/put-me`, { ...flunder('put-me'), spec: { reference: 'changed' } });
      expect(res.status).toBe(422);
      expect(res.json.message).toBe(
        'flunders.wardle.example.com "put-me" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update',
      );
      expect(res.json.details.causes).toEqual([
        { reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be specified for an update', field: 'metadata.resourceVersion' },
      ]);
      expect((await req('GET', `${base}/put-me`)).json.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    });

    it('answers a PUT naming another uid with a 409 precondition conflict', async () => {
      const current = (await req('GET', `${base}/put-me`)).json;
      const res = await req('PUT', `${base}/put-me`, { ...current, metadata: { ...current.metadata, uid: 'someone-else' } });
      expect(res.status).toBe(409);
      expect(res.json.reason).toBe('Conflict');
      expect(res.json.message).toMatch(/Precondition failed: UID in precondition: someone-else, UID in object meta: /);
    });
  });

  describe('request options', () => {
    it('refuses an unknown dryRun or fieldValidation value on create with 422 CreateOptions', async () => {
      const dry = await req('POST', `${base}?dryRun=Yes`, flunder('opts'));
      expect(dry.status).toBe(422);
      expect(dry.json.message).toBe('CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Yes"]: supported values: "All"');
      const fv = await req('PATCH', `${base}/pre?fieldValidation=Loose`, {}, { 'content-type': 'application/merge-patch+json' });
      expect(fv.status).toBe(422);
      expect(fv.json.message).toBe(
        'PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
      );
    });

    it('refuses a fieldManager longer than 128 bytes or with unprintable characters, as ValidateFieldManager does', async () => {
      // 65 characters, 130 bytes: Go counts bytes.
      const long = await req('POST', `${base}?fieldManager=${encodeURIComponent('é'.repeat(65))}`, flunder('fm-long'));
      expect(long.status).toBe(422);
      expect(long.json.message).toBe('CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes');
      const bell = await req('POST', `${base}?fieldManager=a%07`, flunder('fm-bell'));
      expect(bell.status).toBe(422);
      expect(bell.json.message).toBe(
        'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\a": invalid character U+0007 (at position 1)',
      );
    });

    it('refuses an unknown resourceVersionMatch with 422 ListOptions', async () => {
      const res = await req('GET', `${base}?resourceVersion=1&resourceVersionMatch=Newest`);
      expect(res.status).toBe(422);
      expect(res.json.message).toBe(
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
      );
    });
  });
});
