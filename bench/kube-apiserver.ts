/**
 * The same API against the real kube-apiserver (built by the end-to-end suite's harness), in one run on one
 * machine: Flunders as a CustomResourceDefinition in kube-apiserver (etcd syncing every write, as in
 * production), our server behind kube-apiserver's aggregation layer, which is what a user's request
 * actually crosses, and our server reached directly on each backend: etcd (the same etcd, under a prefix of
 * its own) and LevelDB. All are reached with an admin client certificate (system:masters).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitAvailable } from '../test/e2e/apiservice.js';
import { startFromWorkload } from '../test/e2e/extension-server.js';
import { DEPLOY_NAMESPACE, DEPLOY_STATEFULSET, installDeploy, WARDLE_API_SERVICES } from '../test/e2e/install.js';
import { freePort } from '../test/e2e/process.js';
import { startControlPlane } from '../test/e2e/suite.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { localAdminTls, cannon, type Figure, fill, startServer, type Tls } from './cannon.js';
import { watchFanOut } from './watch.js';

/** The CRD's group: the built-in definitions under another name, so both can be served at once. */
const CRD_GROUP = 'crd.wardle.example.com';

/** The operations measured each way. */
export interface Operations {
  create: Figure;
  /** A merge patch that changes a label, spread over 100 objects. */
  update: Figure;
  /** A server-side apply that changes a label, spread over the same objects. */
  apply: Figure;
  get: Figure;
  list: Figure;
  list500: Figure;
  fanOut: Figure;
}

export const OPERATIONS: (keyof Operations)[] = ['create', 'update', 'apply', 'get', 'list', 'list500', 'fanOut'];

export interface KubeApiserverFigures {
  crd: Operations;
  aggregated: Operations;
  /** Ours, reached directly, on the etcd backend (kube-apiserver's etcd) and on LevelDB. */
  etcd: Operations;
  leveldb: Operations;
}

/** Watchers and creates of the fan-out scenario. */
const FAN_OUT = { watchers: 20, creates: 100 };

async function scenarios(label: string, url: string, tls: Tls, group: string): Promise<Operations> {
  const ns = (n: string): string => `/apis/${group}/v1alpha1/namespaces/${n}/flunders`;
  const create = await cannon(`${label}: create`, url, tls, {
    method: 'POST',
    path: ns('create'),
    body: { apiVersion: `${group}/v1alpha1`, kind: 'Flunder', metadata: { generateName: 'b-' }, spec: { reference: 'r' } },
  });
  await fill(url, tls, ns('small'), 100, `${group}/v1alpha1`);
  const object = (n: number): string => `${ns('small')}/obj-${n % 100}`;
  const update = await cannon(`${label}: update (merge patch)`, url, tls, {
    method: 'PATCH',
    path: object(0),
    headers: { 'content-type': 'application/merge-patch+json' },
    vary: (n) => ({ path: object(n), body: { metadata: { labels: { n: String(n) } } } }),
  });
  const apply = await cannon(`${label}: server-side apply`, url, tls, {
    method: 'PATCH',
    path: object(0),
    headers: { 'content-type': 'application/apply-patch+yaml' },
    vary: (n) => ({
      path: `${object(n)}?fieldManager=bench&force=true`,
      body: {
        apiVersion: `${group}/v1alpha1`,
        kind: 'Flunder',
        metadata: { name: `obj-${n % 100}`, labels: { applied: String(n) } },
        spec: { reference: 'applied' },
      },
    }),
  });
  const get = await cannon(`${label}: get one object`, url, tls, { path: `${ns('small')}/obj-1` });
  const list = await cannon(`${label}: list 100 objects`, url, tls, { path: ns('small') });
  await fill(url, tls, ns('medium'), 500, `${group}/v1alpha1`);
  const list500 = await cannon(`${label}: list 500 objects`, url, tls, { path: ns('medium') });
  const fanOut = await watchFanOut(url, tls, ns('watched'), FAN_OUT.watchers, FAN_OUT.creates, `${group}/v1alpha1`);
  fanOut.name = `${label}: ${fanOut.name}`;
  return { create, update, apply, get, list, list500, fanOut };
}

/** Our server in local mode (its own process, built `dist/`) with `args`, measured directly. */
async function direct(label: string, repoRoot: string, args: string[]): Promise<Operations> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-direct-'));
  const server = await startServer([
    join(repoRoot, 'dist', 'main.js'),
    'local',
    '--data-dir',
    dataDir,
    '--secure-port',
    '0',
    '--log-level',
    'warn',
    ...args,
  ]);
  try {
    const tls = localAdminTls(dataDir);
    return await scenarios(label, server.url, tls, 'wardle.example.com');
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchKubeApiserver(repoRoot: string): Promise<KubeApiserverFigures> {
  // No audit log in kube-apiserver: its own best speed, as our direct figures have none either.
  const cp = await startControlPlane('bench', { durable: true, audit: false });
  const server = { stop: async (): Promise<void> => {} };
  try {
    const admin = cp.kubectl();
    const id = await cp.identity('admin', ['system:masters']);
    const tls: Tls = { ca: id.ca, cert: id.cert ?? '', key: id.key ?? '' };
    for (const n of ['create', 'small', 'medium', 'watched']) await admin.ok(['create', 'namespace', n]);

    const crd = readFileSync(join(repoRoot, 'definitions', 'wardle.example.com.yaml'), 'utf8').replaceAll('wardle.example.com', CRD_GROUP);
    await admin.ok(['apply', '-f', '-'], crd);
    await admin.ok(['wait', '--for=condition=Established', `crd/flunders.${CRD_GROUP}`, '--timeout=60s']);
    const crdFigures = await scenarios('kube-apiserver, Flunders as a CRD', cp.url, tls, CRD_GROUP);
    const etcd = await direct('ours on etcd', repoRoot, [
      '--storage-backend=etcd3',
      `--etcd-servers=${cp.etcdUrl}`,
      '--etcd-prefix=/aggregated-apiserver',
    ]);
    const leveldb = await direct('ours on LevelDB', repoRoot, []);

    const port = await freePort();
    await installDeploy(cp, port);
    const ours = await startFromWorkload({
      controlPlane: cp,
      namespace: DEPLOY_NAMESPACE,
      workload: `statefulset/${DEPLOY_STATEFULSET}`,
      port,
      dir: cp.dir,
      entrypoint: [join(repoRoot, 'dist', 'main.js')],
      extraArgs: ['--log-level=warn'],
    });
    server.stop = () => ours.process.stop();
    await waitAvailable(admin, WARDLE_API_SERVICES, () => ours.process.tail());
    const aggregated = await scenarios('ours, through the aggregator', cp.url, tls, 'wardle.example.com');
    return { crd: crdFigures, aggregated, etcd, leveldb };
  } finally {
    await server.stop();
    await cp.stop();
  }
}
