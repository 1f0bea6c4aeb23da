/**
 * The subjects that need the real control plane (built by the end-to-end suite's harness; etcd syncing every
 * write, as in production, and no audit log, kube-apiserver's own best speed as ours has none either):
 * Flunders as a CustomResourceDefinition in kube-apiserver; our server behind kube-apiserver's aggregation
 * layer, installed from deploy/ and run as its StatefulSet would run it, which is what a user's request
 * actually crosses; and the Go sample-apiserver, the reference our built-in group copies, its objects in the
 * same etcd, called directly. All are reached with an admin client certificate (system:masters).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSampleApiserver } from '../test/e2e/components.js';
import { installAndStart } from '../test/e2e/install.js';
import { freePort } from '../test/e2e/process.js';
import { startSampleApiserver } from '../test/e2e/reference/servers.js';
import { startControlPlane } from '../test/e2e/suite.js';
import type { Tls } from './cannon.js';
import type { Running, Subject } from './subjects.js';

/** The CRD's group: the built-in definitions under another name, so both can be served at once. */
const CRD_GROUP = 'crd.wardle.example.com';

/** kube-apiserver's NamespaceLifecycle (and ours and the sample-apiserver's) refuse creates in a namespace that does not exist. */
export const NAMESPACES = ['create', 'small', 'large', 'watched'];

export async function startControlPlaneSubjects(repoRoot: string): Promise<Running> {
  const cp = await startControlPlane('bench', { durable: true, audit: false });
  const stops: (() => Promise<void>)[] = [() => cp.stop()];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s();
  };
  try {
    const admin = cp.kubectl();
    const id = await cp.identity('admin', ['system:masters']);
    const tls: Tls = { ca: id.ca, cert: id.cert ?? '', key: id.key ?? '' };
    for (const n of NAMESPACES) await admin.ok(['create', 'namespace', n]);

    const crd = readFileSync(join(repoRoot, 'definitions', 'wardle.example.com.yaml'), 'utf8').replaceAll('wardle.example.com', CRD_GROUP);
    await admin.ok(['apply', '-f', '-'], crd);
    await admin.ok(['wait', '--for=condition=Established', `crd/flunders.${CRD_GROUP}`, '--timeout=60s']);

    const port = await freePort();
    const ours = await installAndStart(cp, port, {
      entrypoint: [join(repoRoot, 'dist', 'main.js')],
      extraArgs: ['--log-level=warn'],
    });
    stops.push(() => ours.process.stop());

    const sample = await startSampleApiserver(cp, await ensureSampleApiserver(), cp.dir);
    stops.push(() => sample.process.stop());

    const subjects: Subject[] = [
      { key: 'crd', name: 'kube-apiserver: Flunders as a CRD', url: cp.url, tls, headers: {}, group: CRD_GROUP },
      { key: 'aggregated', name: 'ours through the aggregator', url: cp.url, tls, headers: {}, group: 'wardle.example.com' },
      // Its serving certificate is of the cluster CA, and it trusts the cluster's client CA (from kube-system).
      { key: 'sample', name: 'Go sample-apiserver, direct', url: sample.target.url, tls, headers: {}, group: 'wardle.example.com' },
    ];
    return { subjects, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
