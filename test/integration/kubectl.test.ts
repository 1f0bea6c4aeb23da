/**
 * The machine's real kubectl against the real local mode over a real socket: the walk-through of issue 2.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { call, type ClientIdentity } from '../support/client.js';
import { Kubectl, OutputWatcher } from '../support/kubectl.js';
import { startTestServer, tempDir } from '../support/local.js';

const flunder = (name: string, extra = ''): string => `apiVersion: wardle.example.com/v1alpha1
kind: Flunder
metadata:
  name: ${name}
  namespace: default
  labels:
    sample-label: "true"
spec:
  reference: ${name}-ref
${extra}`;

describe('kubectl against local mode', () => {
  const dir = tempDir('kubectl-it-');
  let local: LocalServer;
  let kubectl: Kubectl;
  let admin: ClientIdentity;

  beforeAll(async () => {
    local = await startTestServer(dir.path);
    kubectl = new Kubectl(local.kubeconfigPath);
    admin = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
  });
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  it('lists the built-in resources with their short names in api-resources', async () => {
    const out = await kubectl.ok(['api-resources', '--api-group=wardle.example.com', '--no-headers']);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    const flunders = rows.find((r) => r[0] === 'flunders');
    const fischers = rows.find((r) => r[0] === 'fischers');
    expect(flunders).toBeDefined();
    expect(fischers).toBeDefined();
    // NAME SHORTNAMES APIVERSION NAMESPACED KIND: short names present means five columns.
    expect(flunders).toHaveLength(5);
    expect(flunders?.[3]).toBe('true');
    expect(fischers?.[3]).toBe('false');
  });

  it('creates with apply, then updates with apply, and shows printer columns and yaml', async () => {
    const file = join(dir.path, 'f1.yaml');
    writeFileSync(file, flunder('applied'));
    expect(await kubectl.ok(['apply', '-f', file])).toMatch(/flunder.wardle.example.com\/applied created/);
    writeFileSync(file, flunder('applied').replace('sample-label: "true"', 'sample-label: "changed"'));
    expect(await kubectl.ok(['apply', '-f', file])).toMatch(/flunder.wardle.example.com\/applied configured/);
    const table = await kubectl.ok(['get', 'flunders', '-n', 'default']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+/);
    expect(table.split('\n')[0]).toMatch(/AGE/);
    expect(table).toMatch(/^applied\s+/m);
    const yaml = await kubectl.ok(['get', 'flunder', 'applied', '-n', 'default', '-o', 'yaml']);
    expect(yaml).toMatch(/sample-label: changed/);
    // kubectl reads the preferred version, v1beta1, where the sample's reference is flunderReference.
    expect(yaml).toMatch(/apiVersion: wardle.example.com\/v1beta1/);
    expect(yaml).toMatch(/flunderReference: applied-ref/);
    expect(yaml).toMatch(/uid: [0-9a-f-]{36}/);
  });

  it('sees ADDED, MODIFIED and DELETED in get -w, made by another kubectl', async () => {
    const watcher = kubectl.spawn(['get', 'flunders', '-n', 'default', '-w', '--output-watch-events']);
    const output = new OutputWatcher(watcher);
    try {
      await output.waitFor(/ADDED\s+applied/);
      const file = join(dir.path, 'watched.yaml');
      writeFileSync(file, flunder('watched'));
      await kubectl.ok(['apply', '-f', file]);
      await output.waitFor(/ADDED\s+watched/);
      await kubectl.ok(['label', 'flunder', 'watched', '-n', 'default', 'color=blue']);
      await output.waitFor(/MODIFIED\s+watched/);
      await kubectl.ok(['delete', 'flunder', 'watched', '-n', 'default']);
      await output.waitFor(/DELETED\s+watched/);
    } finally {
      watcher.kill();
    }
  });

  it('explains flunders.spec from the OpenAPI document', async () => {
    const out = await kubectl.ok(['explain', 'flunders.spec', '--api-version=wardle.example.com/v1alpha1']);
    expect(out).toMatch(/KIND:\s+Flunder/);
    expect(out).toMatch(/reference/);
  });

  it('labels, and patches with --type=merge and --type=json', async () => {
    const file = join(dir.path, 'patched.yaml');
    writeFileSync(file, flunder('patched'));
    await kubectl.ok(['apply', '-f', file]);
    await kubectl.ok(['label', 'flunder', 'patched', '-n', 'default', 'tier=gold']);
    // Fully qualified, to patch the v1alpha1 shape rather than the preferred v1beta1 one.
    const v1alpha1 = 'flunders.v1alpha1.wardle.example.com';
    await kubectl.ok(['patch', v1alpha1, 'patched', '-n', 'default', '--type=merge', '-p', '{"spec":{"reference":"merged"}}']);
    await kubectl.ok([
      'patch',
      v1alpha1,
      'patched',
      '-n',
      'default',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/annotations","value":{"patched-by":"json"}}]',
    ]);
    const obj = JSON.parse(await kubectl.ok(['get', v1alpha1, 'patched', '-n', 'default', '-o', 'json']));
    expect(obj.metadata.labels.tier).toBe('gold');
    expect(obj.spec.reference).toBe('merged');
    expect(obj.metadata.annotations['patched-by']).toBe('json');
    expect(obj.metadata.generation).toBe(2);
  });

  it('returns all 10 objects through get --chunk-size=2', async () => {
    const docs = Array.from({ length: 10 }, (_, i) => flunder(`chunk-${i}`).replace('namespace: default', 'namespace: paging')).join(
      '---\n',
    );
    await kubectl.ok(['apply', '-f', '-'], docs);
    const out = await kubectl.ok(['get', 'flunders', '-n', 'paging', '--chunk-size=2', '--no-headers', '-o', 'name']);
    expect(out.trim().split('\n').sort()).toEqual(Array.from({ length: 10 }, (_, i) => `flunder.wardle.example.com/chunk-${i}`).sort());
  });

  it('waits for a delete held by a finalizer until the finalizer is removed', async () => {
    const file = join(dir.path, 'held.yaml');
    writeFileSync(file, flunder('held').replace('  labels:', '  finalizers: ["example.com/hold"]\n  labels:'));
    await kubectl.ok(['apply', '-f', file]);
    await kubectl.ok(['delete', 'flunder', 'held', '-n', 'default', '--wait=false']);
    const marked = JSON.parse(await kubectl.ok(['get', 'flunder', 'held', '-n', 'default', '-o', 'json']));
    expect(marked.metadata.deletionTimestamp).toBeTruthy();
    const waiter = kubectl.run(['wait', '--for=delete', 'flunder/held', '-n', 'default', '--timeout=20s']);
    await kubectl.ok(['patch', 'flunder', 'held', '-n', 'default', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    const waited = await waiter;
    expect(waited.code, waited.stderr).toBe(0);
    expect((await kubectl.run(['get', 'flunder', 'held', '-n', 'default'])).code).not.toBe(0);
  });

  it('answers invalid, stale, missing and duplicate writes with the right Status', async () => {
    const base = `${local.url}/apis/wardle.example.com/v1alpha1/namespaces/default/flunders`;
    const invalid = await call(local.url, admin, 'POST', base, {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Flunder',
      metadata: { name: 'Bad_Name' },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.json).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(invalid.json.details.causes[0].field).toBe('metadata.name');

    const created = await call(local.url, admin, 'POST', base, {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Flunder',
      metadata: { name: 'dup' },
      spec: {},
    });
    expect(created.status).toBe(201);
    const again = await call(local.url, admin, 'POST', base, {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Flunder',
      metadata: { name: 'dup' },
      spec: {},
    });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ reason: 'AlreadyExists', message: 'flunders.wardle.example.com "dup" already exists' });

    const stale = { ...created.json, metadata: { ...created.json.metadata, resourceVersion: '1' } };
    await call(local.url, admin, 'PUT', `${base}/dup`, { ...created.json, metadata: { ...created.json.metadata, labels: { a: 'b' } } });
    const conflict = await call(local.url, admin, 'PUT', `${base}/dup`, stale);
    expect(conflict.status).toBe(409);
    expect(conflict.json.message).toBe(
      'Operation cannot be fulfilled on flunders.wardle.example.com "dup": ' +
        'the object has been modified; please apply your changes to the latest version and try again',
    );

    const missing = await call(local.url, admin, 'GET', `${base}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ reason: 'NotFound', message: 'flunders.wardle.example.com "nope" not found' });
  });
});
