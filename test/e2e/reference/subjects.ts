/**
 * The two subjects of the diff: wardle.example.com's Flunder (against the Go sample-apiserver, with Fischer
 * and the BanFlunder admission plugin) and widgets.crd.yaml's Widget (against kube-apiserver serving it as
 * a CRD, with /status and /scale).
 */
import { join } from 'node:path';
import type { Context, Obj, RequestSpec } from './runner.js';
import type { Subject } from './sequence.js';

export const WIDGETS_CRD = join(import.meta.dirname, 'widgets.crd.yaml');

const MERGE = { 'content-type': 'application/merge-patch+json' };
const APPLY = { 'content-type': 'application/apply-patch+yaml' };

export const wardle: Subject = {
  group: 'wardle.example.com',
  versions: ['v1alpha1', 'v1beta1'],
  resource: 'flunders',
  kind: 'Flunder',
  namespace: 'refdiff',
  listNamespace: 'refdiff-list',
  largeNamespace: 'refdiff-large',
  object: (version, name, labels) => ({
    apiVersion: `wardle.example.com/${version}`,
    kind: 'Flunder',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: version === 'v1alpha1' ? { reference: 'other' } : { flunderReference: 'other', referenceType: 'Flunder' },
  }),
  specChange: (version) => (version === 'v1alpha1' ? { reference: 'changed' } : { flunderReference: 'changed' }),
  // The sample validates the internal version: a Fischer reference type needs a fischerReference.
  invalidSpec: (version) => (version === 'v1alpha1' ? { referenceType: 'Fischer' } : { referenceType: 'Fischer', flunderReference: 'x' }),
};

/** Fischer (cluster-scoped, v1alpha1 only), BanFlunder, and what the sample's Go types do with Flunder's spec. */
export function wardleRequests(): RequestSpec[] {
  const fischers = '/apis/wardle.example.com/v1alpha1/fischers';
  const flunders = (v: string): string => `/apis/wardle.example.com/${v}/namespaces/${wardle.namespace}/flunders`;
  const fischer = (name: string, disallowed: string[], extra: Obj = {}): Obj => ({
    apiVersion: 'wardle.example.com/v1alpha1',
    kind: 'Fischer',
    metadata: { name, ...extra },
    disallowedFlunders: disallowed,
  });
  const rs: Omit<RequestSpec, 'topic'>[] = [
    { name: 'fischer create', method: 'POST', path: fischers, body: fischer('ban-list', ['banned']) },
    { name: 'fischer get', method: 'GET', path: `${fischers}/ban-list` },
    { name: 'fischer list', method: 'GET', path: fischers },
    {
      name: 'fischer update',
      method: 'PUT',
      path: `${fischers}/ban-list`,
      body: (c: Context) => ({ ...c.json('fischer get'), disallowedFlunders: ['banned', 'also-banned'] }),
    },
    {
      name: 'fischer merge patch',
      method: 'PATCH',
      path: `${fischers}/ban-list`,
      headers: MERGE,
      body: { metadata: { labels: { patched: 'yes' } } },
    },
    {
      name: 'fischer create with a namespace in the body',
      method: 'POST',
      path: fischers,
      body: fischer('with-ns', [], { namespace: wardle.namespace }),
    },
    {
      name: 'fischer under a namespace',
      method: 'GET',
      path: `/apis/wardle.example.com/v1alpha1/namespaces/${wardle.namespace}/fischers/ban-list`,
    },
    { name: 'fischer in v1beta1', method: 'GET', path: '/apis/wardle.example.com/v1beta1/fischers' },
    {
      name: 'fischer Table get',
      method: 'GET',
      path: `${fischers}/ban-list`,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    },
    // BanFlunder sees Fischers through an informer: give it a moment to catch up with the update.
    {
      name: 'flunder with a banned name',
      method: 'POST',
      path: flunders('v1alpha1'),
      body: wardle.object('v1alpha1', 'also-banned'),
      waitMs: 1000,
    },
    { name: 'flunder /status', method: 'GET', path: `${flunders('v1alpha1')}/crud-v1alpha1/status` },
    {
      name: 'flunder v1beta1 with both references',
      method: 'POST',
      path: flunders('v1beta1'),
      body: { ...wardle.object('v1beta1', 'both-refs'), spec: { flunderReference: 'a', fischerReference: 'b', referenceType: 'Flunder' } },
    },
    {
      name: 'flunder v1alpha1 referenceType Bogus',
      method: 'POST',
      path: flunders('v1alpha1'),
      body: { ...wardle.object('v1alpha1', 'bogus-type'), spec: { reference: 'a', referenceType: 'Bogus' } },
    },
    { name: 'flunder v1alpha1 read in v1beta1', method: 'GET', path: `${flunders('v1beta1')}/crud-v1alpha1` },
    // Managers of two versions whose fields are named differently: compared in each manager's version.
    {
      name: 'flunder apply in v1alpha1',
      method: 'PATCH',
      path: `${flunders('v1alpha1')}/ssa-versions?fieldManager=alpha`,
      headers: APPLY,
      body: { ...wardle.object('v1alpha1', 'ssa-versions'), spec: { reference: 'a', referenceType: 'Flunder' } },
    },
    {
      name: 'flunder apply in v1beta1 conflicts',
      method: 'PATCH',
      path: `${flunders('v1beta1')}/ssa-versions?fieldManager=beta`,
      headers: APPLY,
      body: { ...wardle.object('v1beta1', 'ssa-versions'), spec: { flunderReference: 'b', referenceType: 'Flunder' } },
    },
    {
      name: 'flunder apply in v1beta1 forced',
      method: 'PATCH',
      path: `${flunders('v1beta1')}/ssa-versions?fieldManager=beta&force=true`,
      headers: APPLY,
      body: { ...wardle.object('v1beta1', 'ssa-versions'), spec: { flunderReference: 'b', referenceType: 'Flunder' } },
    },
    { name: 'flunder applied in both, read in v1alpha1', method: 'GET', path: `${flunders('v1alpha1')}/ssa-versions` },
    {
      name: 'flunder merge patch in v1beta1',
      method: 'PATCH',
      path: `${flunders('v1beta1')}/ssa-versions?fieldManager=patcher`,
      headers: MERGE,
      body: { spec: { flunderReference: 'c' } },
    },
    { name: 'flunder delete ssa-versions', method: 'DELETE', path: `${flunders('v1alpha1')}/ssa-versions` },
    { name: 'fischer delete', method: 'DELETE', path: `${fischers}/ban-list` },
    { name: 'fischer get after delete', method: 'GET', path: `${fischers}/ban-list` },
  ];
  return rs.map((r) => ({ ...r, topic: 'wardle: Fischer, BanFlunder, conversion' }));
}

export const widgets: Subject = {
  group: 'shop.example.com',
  versions: ['v1', 'v1beta1'],
  resource: 'widgets',
  kind: 'Widget',
  namespace: 'refdiff',
  listNamespace: 'refdiff-list',
  largeNamespace: 'refdiff-large',
  object: (version, name, labels) => ({
    apiVersion: `shop.example.com/${version}`,
    kind: 'Widget',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { color: 'red' },
  }),
  specChange: () => ({ color: 'blue' }),
  invalidSpec: () => ({ color: 'purple', replicas: -1 }),
};

/** /status and /scale of the v1 Widget that the CRUD requests created. */
export function widgetRequests(): RequestSpec[] {
  const item = (v: string, name: string): string => `/apis/shop.example.com/${v}/namespaces/${widgets.namespace}/widgets/${name}`;
  const w = item('v1', 'crud-v1');
  const rs: Omit<RequestSpec, 'topic'>[] = [
    { name: 'status get', method: 'GET', path: `${w}/status` },
    {
      name: 'status put (spec change ignored)',
      method: 'PUT',
      path: `${w}/status`,
      body: (c: Context) => ({ ...c.json('status get'), spec: { color: 'green' }, status: { replicas: 2 } }),
    },
    { name: 'status merge patch', method: 'PATCH', path: `${w}/status`, headers: MERGE, body: { status: { replicas: 3 } } },
    {
      name: 'status put schema-invalid',
      method: 'PUT',
      path: `${w}/status`,
      body: (c: Context) => ({ ...c.json('status merge patch'), status: { replicas: 'many' } }),
    },
    {
      name: 'main resource put ignores status',
      method: 'PUT',
      path: w,
      body: (c: Context) => ({ ...c.json('status merge patch'), status: { replicas: 9 } }),
    },
    { name: 'status of a missing object', method: 'GET', path: `${item('v1', 'missing')}/status` },
    { name: 'scale get', method: 'GET', path: `${w}/scale` },
    { name: 'scale put', method: 'PUT', path: `${w}/scale`, body: (c: Context) => ({ ...c.json('scale get'), spec: { replicas: 3 } }) },
    // The replicas it has already: a server that accepts the wrong name leaves no trace for later requests.
    {
      name: 'scale put mismatched name',
      method: 'PUT',
      path: `${w}/scale`,
      body: (c: Context) => ({
        ...c.json('scale put'),
        metadata: { ...c.json('scale put').metadata, name: 'other' },
        spec: { replicas: 3 },
      }),
    },
    {
      name: 'scale put stale resourceVersion',
      method: 'PUT',
      path: `${w}/scale`,
      body: (c: Context) => ({ ...c.json('scale get'), spec: { replicas: 5 } }),
    },
    {
      name: 'scale put negative replicas',
      method: 'PUT',
      path: `${w}/scale`,
      body: (c: Context) => ({ ...c.json('scale put'), spec: { replicas: -1 } }),
    },
    { name: 'scale merge patch', method: 'PATCH', path: `${w}/scale`, headers: MERGE, body: { spec: { replicas: 6 } } },
    {
      name: 'scale json patch',
      method: 'PATCH',
      path: `${w}/scale`,
      headers: { 'content-type': 'application/json-patch+json' },
      body: [{ op: 'replace', path: '/spec/replicas', value: 7 }],
    },
    { name: 'get after scale', method: 'GET', path: w },
    { name: 'scale of a missing object', method: 'GET', path: `${item('v1', 'missing')}/scale` },
    { name: 'scale in v1beta1 (none)', method: 'GET', path: `${item('v1beta1', 'crud-v1')}/scale` },
    { name: 'v1 object read in v1beta1', method: 'GET', path: item('v1beta1', 'crud-v1') },
  ];
  return rs.map((r) => ({ ...r, topic: 'CRD: /status, /scale, versions' }));
}
