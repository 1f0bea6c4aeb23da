/**
 * The two aggregated servers the reference diff calls directly, both trusting the control plane's
 * front-proxy CA as the aggregator's backends do: the Go sample-apiserver (its objects in the control
 * plane's etcd under a prefix of its own) and ours in `serve` mode. Both get a serving certificate of the
 * cluster CA, so one trust anchor verifies every server of the diff.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createCertificate } from '../../../src/server/certificates/index.js';
import { call } from '../../support/client.js';
import type { ControlPlane } from '../control-plane.js';
import { eventually, freePort, GaveUp, type ManagedProcess, startProcess } from '../process.js';
import type { Target } from './runner.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

export interface RunningServer {
  process: ManagedProcess;
  target: Target;
}

/** The flags kube-apiserver's docs give an extension apiserver for the front proxy (configure-aggregation-layer). */
function requestHeaderFlags(cp: ControlPlane): string[] {
  return [
    `--requestheader-client-ca-file=${cp.pki.files.frontProxyCACert}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
  ];
}

async function servingFlags(cp: ControlPlane, dir: string): Promise<string[]> {
  const pair = await createCertificate(cp.pki.clusterCA, {
    commonName: 'localhost',
    usage: 'serverAuth',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'serving.crt'), pair.cert);
  await writeFile(join(dir, 'serving.key'), pair.key, { mode: 0o600 });
  // --cert-dir as well: where a server would write a self-signed pair (and its loopback one) if it needed to.
  return [
    `--tls-cert-file=${join(dir, 'serving.crt')}`,
    `--tls-private-key-file=${join(dir, 'serving.key')}`,
    `--cert-dir=${join(dir, 'certs')}`,
  ];
}

/** Calls as `admin` in `system:masters` through the front proxy's certificate, which skips SubjectAccessReview. */
async function frontProxyTarget(cp: ControlPlane, url: string): Promise<Target> {
  const fp = await cp.frontProxyClient();
  return {
    url,
    id: { ca: cp.pki.clusterCA.cert, cert: fp.cert, key: fp.key },
    headers: { 'x-remote-user': 'admin', 'x-remote-group': 'system:masters' },
  };
}

async function waitReady(name: string, p: ManagedProcess, target: Target): Promise<void> {
  await eventually(
    `${name} to report /readyz ok`,
    async () => {
      if (!p.alive) throw new GaveUp(`${name} exited`);
      const res = await call(target.url, target.id, 'GET', '/readyz', undefined, target.headers);
      if (res.status !== 200) throw new Error(`/readyz answered ${res.status}: ${res.text}`);
      return true;
    },
    { timeoutMs: 120_000, intervalMs: 1000, describe: () => `${name} log:\n${p.tail()}` },
  );
}

/**
 * The sample-apiserver as its README runs it against a cluster: the admin kubeconfig for TokenReview,
 * SubjectAccessReview and its admission plugins (NamespaceLifecycle reads namespaces, the webhook and
 * policy plugins read their configurations), nothing disabled.
 */
export async function startSampleApiserver(cp: ControlPlane, binary: string, dir: string): Promise<RunningServer> {
  const port = await freePort();
  const p = startProcess(
    'sample-apiserver',
    binary,
    [
      `--etcd-servers=${cp.etcdUrl}`,
      // A prefix per run: the control plane's etcd is shared with kube-apiserver, and runs must not meet.
      `--etcd-prefix=/refdiff-${randomBytes(4).toString('hex')}/wardle.example.com`,
      `--secure-port=${port}`,
      '--bind-address=127.0.0.1',
      ...(await servingFlags(cp, join(dir, 'sample-apiserver'))),
      `--authentication-kubeconfig=${cp.adminKubeconfig}`,
      `--authorization-kubeconfig=${cp.adminKubeconfig}`,
      `--kubeconfig=${cp.adminKubeconfig}`,
      ...requestHeaderFlags(cp),
    ],
    join(dir, 'sample-apiserver.log'),
  );
  const target = await frontProxyTarget(cp, `https://127.0.0.1:${port}`);
  await waitReady('the sample-apiserver', p, target);
  return { process: p, target };
}

/** Our server in `serve` mode, from the TypeScript source (no build), with the given definitions or the built-in group. */
export async function startOurServer(cp: ControlPlane, dir: string, name: string, definitions: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const own = join(dir, name);
  const p = startProcess(
    name,
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'src', 'main.ts'),
      'serve',
      `--secure-port=${port}`,
      '--bind-address=127.0.0.1',
      ...(await servingFlags(cp, own)),
      `--data-dir=${join(own, 'data')}`,
      `--kubeconfig=${cp.adminKubeconfig}`,
      ...requestHeaderFlags(cp),
      ...definitions.map((d) => `--api-definitions=${d}`),
      '--log-level=warn',
    ],
    join(dir, `${name}.log`),
  );
  const target = await frontProxyTarget(cp, `https://127.0.0.1:${port}`);
  await waitReady(name, p, target);
  return { process: p, target };
}

/** kube-apiserver itself, with the admin client certificate: the reference for CustomResourceDefinitions. */
export async function kubeApiserverTarget(cp: ControlPlane): Promise<Target> {
  return { url: cp.url, id: await cp.identity('admin', ['system:masters']), headers: {} };
}
