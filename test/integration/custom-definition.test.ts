/**
 * A CRD-format definition of the test's own (two versions, printer columns, status and scale
 * subresources) served like the built-in group, through kubectl and raw HTTPS.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startupHint } from '../../src/cmd/local.js';
import { call, type ClientIdentity } from '../support/client.js';
import { Kubectl } from '../support/kubectl.js';
import { startTestServer, tempDir } from '../support/local.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.shop.example.com
spec:
  group: shop.example.com
  scope: Namespaced
  names:
    plural: widgets
    singular: widget
    kind: Widget
    shortNames: [wd]
  versions:
    - name: v1
      served: true
      storage: true
      subresources:
        status: {}
        scale:
          specReplicasPath: .spec.replicas
          statusReplicasPath: .status.replicas
      additionalPrinterColumns:
        - name: Color
          type: string
          jsonPath: .spec.color
        - name: Replicas
          type: integer
          jsonPath: .spec.replicas
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [color]
              properties:
                color:
                  type: string
                  enum: [red, green, blue]
                replicas:
                  type: integer
                  minimum: 0
                  default: 1
            status:
              type: object
              properties:
                replicas:
                  type: integer
    - name: v1beta1
      served: true
      storage: false
      subresources:
        status: {}
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`;

describe('a definition of our own', () => {
  const dir = tempDir('custom-def-');
  let local: LocalServer;
  let kubectl: Kubectl;
  let admin: ClientIdentity;
  const base = '/apis/shop.example.com/v1/namespaces/default/widgets';

  beforeAll(async () => {
    const file = join(dir.path, 'widgets.yaml');
    writeFileSync(file, CRD);
    local = await startTestServer(join(dir.path, 'data'), { apiDefinitions: [file] });
    kubectl = new Kubectl(local.kubeconfigPath);
    admin = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
  });
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  it('creates with defaults, prunes unknown fields with a warning, and shows printer columns', async () => {
    const res = await call(local.url, admin, 'POST', base, {
      apiVersion: 'shop.example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1' },
      spec: { color: 'red', shape: 'round' },
    });
    expect(res.status).toBe(201);
    expect(res.json.spec).toEqual({ color: 'red', replicas: 1 });
    expect(String(res.headers.warning)).toMatch(/unknown field \\"spec.shape\\"/);
    const table = await kubectl.ok(['get', 'wd', '-n', 'default']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+COLOR\s+REPLICAS/);
    expect(table).toMatch(/^w1\s+red\s+1/m);
  });

  it('refuses unknown fields under fieldValidation=Strict and schema violations with 422 causes', async () => {
    const strict = await call(local.url, admin, 'POST', `${base}?fieldValidation=Strict`, {
      apiVersion: 'shop.example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w2' },
      spec: { color: 'red', shape: 'x' },
    });
    expect(strict.status).toBe(400);
    expect(strict.json.message).toMatch(/unknown field "spec.shape"/);
    const invalid = await call(local.url, admin, 'POST', base, {
      apiVersion: 'shop.example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w3' },
      spec: { color: 'purple', replicas: -1 },
    });
    expect(invalid.status).toBe(422);
    const fields = invalid.json.details.causes.map((c: { field: string }) => c.field).sort();
    // The scale subresource's replicas path is checked again, as apiextensions-apiserver reports it: `.spec.replicas`.
    expect(fields).toEqual(['.spec.replicas', 'spec.color', 'spec.replicas']);
    expect((await call(local.url, admin, 'GET', `${base}/w3`)).status).toBe(404);
  });

  it('writes .status only through /status, and bumps generation only on spec changes', async () => {
    const created = (await call(local.url, admin, 'GET', `${base}/w1`)).json;
    const withStatus = { ...created, status: { replicas: 3 } };
    const viaMain = await call(local.url, admin, 'PUT', `${base}/w1`, withStatus);
    expect(viaMain.status).toBe(200);
    expect(viaMain.json.status).toBeUndefined();
    expect(viaMain.json.metadata.generation).toBe(1);
    const viaStatus = await call(local.url, admin, 'PUT', `${base}/w1/status`, {
      ...viaMain.json,
      status: { replicas: 3 },
      spec: { color: 'blue' },
    });
    expect(viaStatus.status).toBe(200);
    expect(viaStatus.json.status).toEqual({ replicas: 3 });
    expect(viaStatus.json.spec.color).toBe('red');
    expect(viaStatus.json.metadata.generation).toBe(1);
    const specChange = await call(
      local.url,
      admin,
      'PATCH',
      `${base}/w1`,
      { spec: { color: 'green' } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(specChange.json.metadata.generation).toBe(2);
  });

  it('serves /scale as autoscaling/v1 Scale and writes spec.replicas through it', async () => {
    const scale = await call(local.url, admin, 'GET', `${base}/w1/scale`);
    expect(scale.json).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 1 }, status: { replicas: 3 } });
    await kubectl.ok(['scale', 'widget/w1', '-n', 'default', '--replicas=4']);
    expect((await call(local.url, admin, 'GET', `${base}/w1`)).json.spec.replicas).toBe(4);
  });

  it("refuses negative replicas through /scale as the resource's own validation does, and lists /scale in OpenAPI", async () => {
    const current = (await call(local.url, admin, 'GET', `${base}/w1/scale`)).json;
    const negative = await call(local.url, admin, 'PUT', `${base}/w1/scale`, { ...current, spec: { replicas: -1 } });
    expect(negative.status).toBe(422);
    expect(negative.json.details).toMatchObject({ kind: 'Widget', group: 'shop.example.com' });
    expect(negative.json.details.causes.map((c: { field: string }) => c.field).sort()).toEqual(['.spec.replicas', 'spec.replicas']);
    const v2 = (await call(local.url, admin, 'GET', '/openapi/v2')).json;
    expect(v2.paths['/apis/shop.example.com/v1/namespaces/{namespace}/widgets/{name}/scale'].get.operationId).toBe(
      'readNamespacedWidgetScale',
    );
    // v1beta1 has no /scale: the object is not found there, as kube-apiserver's CRD handler answers.
    const none = await call(local.url, admin, 'GET', '/apis/shop.example.com/v1beta1/namespaces/default/widgets/w1/scale');
    expect(none.status).toBe(404);
    expect(none.json.details).toEqual({ name: 'w1', group: 'shop.example.com', kind: 'widgets' });
  });

  it('serves the same objects in its second version', async () => {
    const beta = await call(local.url, admin, 'GET', '/apis/shop.example.com/v1beta1/namespaces/default/widgets/w1');
    expect(beta.status).toBe(200);
    expect(beta.json.apiVersion).toBe('shop.example.com/v1beta1');
    expect(beta.json.spec.color).toBe('green');
  });

  it('refuses strategic merge patch with 415, as for any custom resource', async () => {
    const res = await call(
      local.url,
      admin,
      'PATCH',
      `${base}/w1`,
      { spec: { color: 'red' } },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType' });
  });

  it('tells at start-up how to reach the group it serves, with absolute paths', () => {
    const hint = startupHint(local, '/srv/data');
    expect(hint).toContain(`export KUBECONFIG=${local.kubeconfigPath}`);
    expect(local.kubeconfigPath.startsWith('/')).toBe(true);
    expect(hint).toContain('kubectl api-resources --api-group=shop.example.com');
    expect(hint).toContain('kubectl get widgets -A');
    expect(hint).not.toContain('flunders');
  });
});
