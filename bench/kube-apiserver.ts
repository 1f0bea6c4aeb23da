/**
 * The same API against the real kube-apiserver (built by the end-to-end suite's harness), in one run on one
 * machine: Flunders as a CustomResourceDefinition in kube-apiserver (etcd syncing every write, as in
 * production), and our server behind kube-apiserver's aggregation layer, which is what a user's request
 * actually crosses. Both are reached with an admin client certificate (system:masters).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitAvailable } from '../test/e2e/apiservice.js';
import { startFromStatefulSet } from '../test/e2e/extension-server.js';
import { DEPLOY_NAMESPACE, DEPLOY_STATEFULSET, installDeploy, WARDLE_API_SERVICES } from '../test/e2e/install.js';
import { freePort } from '../test/e2e/process.js';
import { startControlPlane } from '../test/e2e/suite.js';
import { cannon, type Figure, fill, type Tls } from './cannon.js';

/** The CRD's group: the built-in definitions under another name, so both can be served at once. */
const CRD_GROUP = 'crd.wardle.example.com';

/** The operations measured each way. */
export interface Operations {
  create: Figure;
  get: Figure;
  list: Figure;
}

export interface KubeApiserverFigures {
  crd: Operations;
  aggregated: Operations;
}

async function scenarios(label: string, url: string, tls: Tls, group: string): Promise<Operations> {
  const ns = (n: string): string => `/apis/${group}/v1alpha1/namespaces/${n}/flunders`;
  const create = await cannon(`${label}: create`, url, tls, {
    method: 'POST',
    path: ns('create'),
    body: { apiVersion: `${group}/v1alpha1`, kind: 'Flunder', metadata: { generateName: 'b-' }, spec: { reference: 'r' } },
  });
  await fill(url, tls, ns('small'), 100, `${group}/v1alpha1`);
  const get = await cannon(`${label}: get one object`, url, tls, { path: `${ns('small')}/obj-1` });
  const list = await cannon(`${label}: list 100 objects`, url, tls, { path: ns('small') });
  return { create, get, list };
}

export async function benchKubeApiserver(repoRoot: string): Promise<KubeApiserverFigures> {
  // No audit log in kube-apiserver: its own best speed, as our direct figures have none either.
  const cp = await startControlPlane('bench', { durable: true, audit: false });
  const server = { stop: async (): Promise<void> => {} };
  try {
    const admin = cp.kubectl();
    const id = await cp.identity('admin', ['system:masters']);
    const tls: Tls = { ca: id.ca, cert: id.cert ?? '', key: id.key ?? '' };
    for (const n of ['create', 'small']) await admin.ok(['create', 'namespace', n]);

    const crd = readFileSync(join(repoRoot, 'definitions', 'wardle.example.com.yaml'), 'utf8').replaceAll('wardle.example.com', CRD_GROUP);
    await admin.ok(['apply', '-f', '-'], crd);
    await admin.ok(['wait', '--for=condition=Established', `crd/flunders.${CRD_GROUP}`, '--timeout=60s']);
    const crdFigures = await scenarios('kube-apiserver, Flunders as a CRD', cp.url, tls, CRD_GROUP);

    const port = await freePort();
    await installDeploy(cp, port);
    const ours = await startFromStatefulSet({
      controlPlane: cp,
      namespace: DEPLOY_NAMESPACE,
      statefulSet: DEPLOY_STATEFULSET,
      port,
      dir: cp.dir,
      entrypoint: [join(repoRoot, 'dist', 'main.js')],
      extraArgs: ['--log-level=warn'],
    });
    server.stop = () => ours.process.stop();
    await waitAvailable(admin, WARDLE_API_SERVICES, () => ours.process.tail());
    const aggregated = await scenarios('ours, through the aggregator', cp.url, tls, 'wardle.example.com');
    return { crd: crdFigures, aggregated };
  } finally {
    await server.stop();
    await cp.stop();
  }
}
