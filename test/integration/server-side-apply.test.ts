/**
 * Server-side apply and managedFields on a definition with every list and map type, through raw HTTPS:
 * the field manager's behaviour end to end (the oracle comparison with kube-apiserver is in the e2e suite).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { call, type ClientIdentity } from '../support/client.js';
import { startTestServer, tempDir } from '../support/local.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.shop.example.com
spec:
  group: shop.example.com
  scope: Namespaced
  names: { plural: gadgets, singular: gadget, kind: Gadget }
  versions:
    - name: v1
      served: true
      storage: true
      subresources:
        status: {}
        scale: { specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                color: { type: string }
                size: { type: integer }
                replicas: { type: integer }
                tags: { type: array, items: { type: string }, x-kubernetes-list-type: set }
                args: { type: array, items: { type: string } }
                ports:
                  type: array
                  x-kubernetes-list-type: map
                  x-kubernetes-list-map-keys: [port, protocol]
                  items:
                    type: object
                    required: [port]
                    properties:
                      port: { type: integer }
                      protocol: { type: string, default: TCP }
                      name: { type: string }
                selector: { type: object, x-kubernetes-map-type: atomic, additionalProperties: { type: string } }
            status:
              type: object
              properties:
                replicas: { type: integer }
                phase: { type: string }
`;

const APPLY = { 'content-type': 'application/apply-patch+yaml' };

describe('server-side apply', () => {
  const dir = tempDir('ssa-');
  let local: LocalServer;
  let admin: ClientIdentity;
  const base = '/apis/shop.example.com/v1/namespaces/default/gadgets';
  const gadget = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'shop.example.com/v1',
    kind: 'Gadget',
    metadata: { name },
    spec,
  });
  const apply = (name: string, body: unknown, query = 'fieldManager=alice', path = '') =>
    call(local.url, admin, 'PATCH', `${base}/${name}${path}?${query}`, body, APPLY);
  const fieldsOf = (obj: any, manager: string, operation = 'Apply') =>
    obj.metadata.managedFields.find((e: any) => e.manager === manager && e.operation === operation)?.fieldsV1;

  beforeAll(async () => {
    const file = join(dir.path, 'gadgets.yaml');
    writeFileSync(file, CRD);
    local = await startTestServer(join(dir.path, 'data'), { apiDefinitions: [file] });
    admin = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
  });
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  it('records an Update entry on create, named by fieldManager or the User-Agent', async () => {
    const created = await call(local.url, admin, 'POST', base, gadget('g1', { color: 'red', tags: ['a'] }), {
      'user-agent': 'kubectl-create/v1.37.2 (linux/amd64)',
    });
    expect(created.status).toBe(201);
    const [entry] = created.json.metadata.managedFields;
    expect(entry).toMatchObject({
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'shop.example.com/v1',
      fieldsType: 'FieldsV1',
    });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(entry.fieldsV1).toEqual({ 'f:spec': { '.': {}, 'f:color': {}, 'f:tags': { '.': {}, 'v:"a"': {} } } });
  });

  it('creates by apply (201), then a second manager conflicts and force takes the field', async () => {
    const first = await apply('g2', gadget('g2', { color: 'red', ports: [{ port: 80 }] }));
    expect(first.status).toBe(201);
    expect(fieldsOf(first.json, 'alice')).toEqual({
      'f:spec': { 'f:color': {}, 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } },
    });
    const conflict = await apply('g2', gadget('g2', { color: 'blue' }), 'fieldManager=bob');
    expect(conflict.status).toBe(409);
    expect(conflict.json.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.color');
    expect(conflict.json.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.color' },
    ]);
    const forced = await apply('g2', gadget('g2', { color: 'blue' }), 'fieldManager=bob&force=true');
    expect(forced.status).toBe(200);
    expect(forced.json.spec.color).toBe('blue');
    expect(fieldsOf(forced.json, 'bob')).toEqual({ 'f:spec': { 'f:color': {} } });
    expect(fieldsOf(forced.json, 'alice')).toEqual({
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } },
    });
  });

  it('removes the fields a manager stops applying, unless another owns them', async () => {
    await apply('g3', gadget('g3', { color: 'red', size: 3, tags: ['a', 'b'] }));
    await apply('g3', gadget('g3', { tags: ['b'] }), 'fieldManager=bob');
    const res = await apply('g3', gadget('g3', { color: 'red' }));
    expect(res.status).toBe(200);
    expect(res.json.spec).toEqual({ color: 'red', tags: ['b'] });
  });

  it('requires a fieldManager, refuses force on other patches, and refuses another kind', async () => {
    const noManager = await apply('g4', gadget('g4', {}), '');
    expect(noManager.status).toBe(422);
    expect(noManager.json.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    const force = await call(
      local.url,
      admin,
      'PATCH',
      `${base}/g3?force=true`,
      { spec: {} },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(force.status).toBe(422);
    expect(force.json.message).toMatch(/force: Forbidden: may not be specified for non-apply patch/);
    // The same through /scale.
    const scaleForce = await call(
      local.url,
      admin,
      'PATCH',
      `${base}/g3/scale?force=true`,
      { spec: { replicas: 2 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(scaleForce.status).toBe(422);
    expect(scaleForce.json.message).toMatch(/force: Forbidden: may not be specified for non-apply patch/);
    const wrongKind = await apply('g4', { ...gadget('g4', {}), kind: 'Widget' });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.json.message).toBe('invalid object type: shop.example.com/v1, Kind=Widget');
  });

  it('applies status through /status only, and updates through /scale as the scale subresource', async () => {
    await apply('g5', { ...gadget('g5', { color: 'red', replicas: 1 }), status: { phase: 'x' } });
    const main = (await call(local.url, admin, 'GET', `${base}/g5`)).json;
    expect(main.status).toBeUndefined();
    const status = await apply(
      'g5',
      { apiVersion: 'shop.example.com/v1', kind: 'Gadget', metadata: { name: 'g5' }, status: { phase: 'Ready' } },
      'fieldManager=ctrl',
      '/status',
    );
    expect(status.status).toBe(200);
    expect(status.json.status).toEqual({ phase: 'Ready' });
    const entry = status.json.metadata.managedFields.find((e: any) => e.manager === 'ctrl');
    expect(entry).toMatchObject({ operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:phase': {} } } });
    const scaled = await call(
      local.url,
      admin,
      'PATCH',
      `${base}/g5/scale?fieldManager=hpa`,
      { spec: { replicas: 4 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(scaled.status).toBe(200);
    const after = (await call(local.url, admin, 'GET', `${base}/g5`)).json;
    expect(after.metadata.managedFields.find((e: any) => e.manager === 'hpa')).toMatchObject({
      operation: 'Update',
      subresource: 'scale',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
  });

  it('resets managedFields on `managedFields: [{}]` (an empty list is dropped with the ObjectMeta encoding) and keeps untracked objects untracked until applied', async () => {
    const g1 = (await call(local.url, admin, 'GET', `${base}/g1`)).json;
    const reset = await call(local.url, admin, 'PUT', `${base}/g1`, { ...g1, metadata: { ...g1.metadata, managedFields: [{}] } });
    expect(reset.status).toBe(200);
    expect(reset.json.metadata.managedFields).toBeUndefined();
    const changed = await call(local.url, admin, 'PUT', `${base}/g1?fieldManager=x`, { ...reset.json, spec: { color: 'green' } });
    expect(changed.json.metadata.managedFields).toBeUndefined();
    const applied = await apply('g1', gadget('g1', { size: 2 }));
    expect(applied.json.metadata.managedFields.map((e: any) => `${e.manager}/${e.operation}`).sort()).toEqual([
      'alice/Apply',
      'before-first-apply/Update',
    ]);
  });

  it('keeps at most ten update entries, merging the oldest into ancient-changes', async () => {
    await call(local.url, admin, 'POST', `${base}?fieldManager=m0`, gadget('g7', { color: 'red' }));
    for (let i = 1; i <= 11; i++) {
      const res = await call(
        local.url,
        admin,
        'PATCH',
        `${base}/g7?fieldManager=m${i}`,
        { metadata: { labels: { [`l${i}`]: 'x' } } },
        {
          'content-type': 'application/merge-patch+json',
        },
      );
      expect(res.status).toBe(200);
    }
    const entries = (await call(local.url, admin, 'GET', `${base}/g7`)).json.metadata.managedFields;
    expect(entries).toHaveLength(10);
    const ancient = entries.find((e: any) => e.manager === 'ancient-changes');
    expect(ancient).toMatchObject({ operation: 'Update', apiVersion: 'shop.example.com/v1' });
    // The three oldest went into the bucket: by time in seconds, then by identifier, so m0 (spec.color) and
    // m1 always, and m2 or m10 depending on whether the second turned meanwhile.
    const labels = Object.keys(ancient.fieldsV1['f:metadata']['f:labels']).sort();
    expect(labels).toHaveLength(3);
    expect(labels.slice(0, 2)).toEqual(['.', 'f:l1']);
    expect(ancient.fieldsV1['f:spec']).toEqual({ '.': {}, 'f:color': {} });
  });

  it("applies through /scale with the object's owners of replicas as the Scale's, and maps ownership back", async () => {
    await apply('g8', gadget('g8', { color: 'red', replicas: 2 }));
    const scale = (replicas: number) => ({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'g8' }, spec: { replicas } });
    const conflict = await apply('g8', scale(5), 'fieldManager=hpa', '/scale');
    expect(conflict.status).toBe(409);
    expect(conflict.json.message).toBe('Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
    const forced = await apply('g8', scale(5), 'fieldManager=hpa&force=true', '/scale');
    expect(forced.status).toBe(200);
    expect(forced.json).toMatchObject({ kind: 'Scale', spec: { replicas: 5 } });
    const obj = (await call(local.url, admin, 'GET', `${base}/g8`)).json;
    expect(obj.spec.replicas).toBe(5);
    const hpa = obj.metadata.managedFields.find((e: any) => e.manager === 'hpa');
    // A new manager through /scale owns the replicas path in the object's version, without a time.
    expect(hpa).toEqual({
      manager: 'hpa',
      operation: 'Apply',
      apiVersion: 'shop.example.com/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      subresource: 'scale',
    });
    expect(fieldsOf(obj, 'alice')).toEqual({ 'f:spec': { 'f:color': {} } });
  });

  it('changes nothing on dryRun=All', async () => {
    const res = await apply('g6', gadget('g6', { color: 'red' }), 'fieldManager=alice&dryRun=All');
    expect(res.status).toBe(201);
    expect((await call(local.url, admin, 'GET', `${base}/g6`)).status).toBe(404);
  });
});
