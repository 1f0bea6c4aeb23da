/**
 * The API as clients see it: discovery through the aggregator, the server's own readiness (its /readyz, asked
 * through kube-apiserver's service proxy), the versions on both sides, and kubectl's discovery cache, which
 * can keep hiding a group for minutes after it is fixed.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { APIService } from './apiservices.js';
import { type Backend, workloadRef } from './backend.js';
import { type Cluster, type Obj, statusMessage } from '../server/cluster-client.js';
import { type Check, fail, ok, warn } from './report.js';

/**
 * The kube-apiserver minors we support: from the oldest that serves what `serve` reads
 * (admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy, GA in 1.30) to the newest the end-to-end suite runs.
 */
export const KUBE_MINOR_RANGE = { min: 30, max: 37 };

/** `GET /apis/<group>/<version>` through the aggregator, as kubectl's discovery asks it. */
export async function discoveryCheck(cluster: Cluster, a: APIService, b: Backend): Promise<{ check: Check; resources?: string[] }> {
  const subject = `apiservice/${a.metadata.name}`;
  const path = `/apis/${a.spec.group}/${a.spec.version}`;
  const res = await cluster.get(path);
  if (res.status === 200) {
    const resources = ((res.body?.resources as Obj[] | undefined) ?? []).map((r) => r.name as string);
    return { check: ok('discovery', subject, `GET ${path} through the aggregator: ${resources.length} resources`), resources };
  }
  const message = statusMessage(res);
  const restart = b.workload ? `kubectl rollout restart ${workloadRef(b.workload)} -n ${b.namespace}` : 'restart the server';
  // The server answers as the aggregator's user only when it trusts the front-proxy certificate; otherwise
  // the request is anonymous (401, or 403 for system:anonymous). Once the aggregator's own check has failed
  // so, it answers 503 itself, and only its condition's message keeps the server's answer.
  const available = a.status?.conditions?.find((c) => c.type === 'Available');
  const refused = available?.status === 'False' ? /bad status from \S+: (401|403)\b/.exec(available.message ?? '') : null;
  if (res.status === 401 || (res.status === 403 && /system:anonymous/.test(message)) || refused) {
    const answer = refused ? `the aggregator's own check got ${refused[1]}` : `${res.status}: ${message}`;
    return {
      check: fail(
        'discovery',
        subject,
        `GET ${path} through the aggregator: ${answer}: the server does not trust the aggregator's front-proxy client certificate (its requestheader CA or allowed names differ from kube-system/extension-apiserver-authentication: a rotated front-proxy CA it has not loaded?)`,
        `check the rbac lines above (it must be allowed to watch that ConfigMap), then ${restart}`,
      ),
    };
  }
  if (res.status === 403) return { check: warn('discovery', subject, `GET ${path}: 403 for your own user: ${message}`) };
  return { check: fail('discovery', subject, `GET ${path} through the aggregator: ${res.status}: ${message}`) };
}

/** `path` on the server, through kube-apiserver's service proxy to the Service's first port; none without a port. */
function serviceProxyPath(b: Backend, path: string): string | undefined {
  const port = (b.service?.spec?.ports as Obj[] | undefined)?.[0];
  return port ? `/api/v1/namespaces/${b.namespace}/services/https:${b.name}:${port.name ?? port.port}/proxy${path}` : undefined;
}

/** The server's /readyz?verbose through kube-apiserver's service proxy: its own view of its checks. */
export async function readinessCheck(cluster: Cluster, b: Backend): Promise<Check> {
  const subject = `service/${b.namespace}/${b.name}`;
  const path = serviceProxyPath(b, '/readyz?verbose');
  if (!path) return warn('readiness', subject, 'no Service port to ask the server through');
  const res = await cluster.get(path).catch((err: Error) => ({ status: 0, text: err.message, body: undefined }));
  if (res.status === 200) return ok('readiness', subject, 'the server reports /readyz ok');
  const failing = res.text
    .split('\n')
    .filter((l) => l.startsWith('[-]'))
    .join('; ');
  if (failing)
    return fail(
      'readiness',
      subject,
      `the server reports not ready: ${failing}`,
      b.workload ? `kubectl logs -n ${b.namespace} ${workloadRef(b.workload)}` : undefined,
    );
  return warn(
    'readiness',
    subject,
    `could not ask the server for /readyz through the service proxy (${res.status}: ${res.text.trim().slice(0, 200)})`,
  );
}

const minorOf = (gitVersion: string): number | undefined => {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return m ? Number(m[2]) : undefined;
};

/** kube-apiserver's version against the range we test, with the server's own version beside it. */
export async function versionCheck(cluster: Cluster, backends: Backend[]): Promise<Check> {
  const kube = await cluster.find('/version').catch(() => undefined);
  const gitVersion = (kube?.gitVersion as string | undefined) ?? 'unknown';
  const ours = await Promise.all(
    backends.map(async (b) => {
      const path = serviceProxyPath(b, '/version');
      const viaProxy = path ? await cluster.find(path).catch(() => undefined) : undefined;
      const image = (b.workload?.spec?.template?.spec?.containers as Obj[] | undefined)?.[0]?.image as string | undefined;
      return `${b.namespace}/${b.name} ${viaProxy?.gitVersion ?? (image ? `image ${image}` : 'version unknown')}`;
    }),
  );
  const minor = minorOf(gitVersion);
  const message = `kube-apiserver ${gitVersion}; ${ours.join(', ')}`;
  if (minor === undefined) return warn('version', 'kube-apiserver', `${message}: cannot tell its version`);
  if (minor < KUBE_MINOR_RANGE.min || minor > KUBE_MINOR_RANGE.max + 1) {
    return warn('version', 'kube-apiserver', `${message}: outside the supported range 1.${KUBE_MINOR_RANGE.min}–1.${KUBE_MINOR_RANGE.max}`);
  }
  return ok('version', 'kube-apiserver', `${message}: within the supported range 1.${KUBE_MINOR_RANGE.min}–1.${KUBE_MINOR_RANGE.max}`);
}

/** kubectl's cache directory for a server: `~/.kube/cache/discovery/<host_port>` (KUBECACHEDIR moves it). */
export function kubectlDiscoveryCache(server: string, env: NodeJS.ProcessEnv = process.env): string {
  const host = server.replace(/^https?:\/\//, '').replace(/[^(\w/.)]/g, '_');
  return join(env.KUBECACHEDIR ?? join(homedir(), '.kube', 'cache'), 'discovery', host);
}

/** Whether kubectl's cached resources for a group version differ from what the aggregator serves now. */
export async function kubectlCacheCheck(cluster: Cluster, a: APIService, served: string[], env = process.env): Promise<Check | undefined> {
  const dir = kubectlDiscoveryCache(cluster.server, env);
  const file = join(dir, a.spec.group, a.spec.version, 'serverresources.json');
  let cached: string[];
  try {
    cached = ((JSON.parse(await readFile(file, 'utf8')) as { resources?: Obj[] }).resources ?? []).map((r) => r.name as string);
  } catch {
    return undefined;
  }
  const [x, y] = [[...cached].sort().join(','), [...served].sort().join(',')];
  if (x === y) return ok('kubectl-cache', `apiservice/${a.metadata.name}`, `kubectl's discovery cache agrees (${file})`);
  return warn(
    'kubectl-cache',
    `apiservice/${a.metadata.name}`,
    `kubectl's discovery cache lists [${cached.join(', ')}] but the server serves [${served.join(', ')}]: kubectl may say "the server doesn't have a resource type" until the cache expires`,
    `rm -rf ${dir}`,
  );
}
