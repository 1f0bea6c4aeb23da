/**
 * Runs our server as a local process the way the kubelet would run the installed StatefulSet's container:
 * its args, its env, and its volumes (Secrets and ConfigMaps read from the cluster, data volumes as empty
 * directories) at local paths, authenticated as its ServiceAccount with a token from the TokenRequest API.
 * Only what needs a kubelet changes: the port (a free one on 127.0.0.1) and the in-cluster config (a
 * kubeconfig with that token).
 */
import { chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ClientIdentity } from '../support/client.js';
import { call } from '../support/client.js';
import type { Kubectl } from '../support/kubectl.js';
import type { ControlPlane, KubeconfigServer } from './control-plane.js';
import { eventually, GaveUp, type ManagedProcess, startProcess } from './process.js';

// Loose on purpose: objects as kubectl prints them.
type Obj = Record<string, any>;

const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface ExtensionServer {
  process: ManagedProcess;
  url: string;
  /** Trusts the serving certificate, checked against the Service's DNS name as the aggregator checks it. */
  serverTrust: ClientIdentity;
}

async function getJson(kubectl: Kubectl, args: string[]): Promise<Obj> {
  return JSON.parse(await kubectl.ok(['get', ...args, '-o', 'json'])) as Obj;
}

/** Writes a Secret's or ConfigMap's keys as files, as a volume of it would show them. */
async function writeKeys(dir: string, data: Record<string, string>, base64: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [key, value] of Object.entries(data))
    await writeFile(join(dir, key), base64 ? Buffer.from(value, 'base64') : value, { mode: 0o600 });
}

/** Local directories for the container's volume mounts, filled from the cluster. */
async function materializeVolumes(kubectl: Kubectl, namespace: string, workload: Obj, dir: string): Promise<Map<string, string>> {
  const pod = workload.spec.template.spec;
  const container = pod.containers[0];
  const mounts = new Map<string, string>();
  for (const m of container.volumeMounts as Obj[]) {
    const local = join(dir, 'volumes', m.name);
    const volume = (pod.volumes as Obj[] | undefined)?.find((v) => v.name === m.name);
    if (volume?.secret) {
      const secret = await getJson(kubectl, ['secret', volume.secret.secretName, '-n', namespace]);
      await writeKeys(local, secret.data ?? {}, true);
    } else if (volume?.configMap) {
      const cm = await getJson(kubectl, ['configmap', volume.configMap.name, '-n', namespace]);
      await writeKeys(local, cm.data ?? {}, false);
    } else {
      // emptyDir or a volumeClaimTemplate: an empty directory of the pod's own.
      await mkdir(local, { recursive: true });
    }
    mounts.set(m.mountPath, local);
  }
  return mounts;
}

function localPath(value: string, mounts: Map<string, string>): string {
  for (const [mountPath, local] of mounts) {
    if (value === mountPath || value.startsWith(`${mountPath}/`)) return local + value.slice(mountPath.length);
  }
  return value;
}

export interface StartOptions {
  controlPlane: ControlPlane;
  namespace: string;
  /** `statefulset/<name>` or `deployment/<name>`: the workload whose pod template is run. */
  workload: string;
  port: number;
  dir: string;
  /** Run in a network namespace of the test's, listening on its address (a pod's IP), as one of several replicas. */
  netns?: { exec: string[]; address: string };
  /** How the server reaches kube-apiserver from there (a proxy on the host's bridge address). */
  kubeconfigVia?: KubeconfigServer;
  /** Flags whose values the test replaces (`--etcd-servers`: the test's etcd instead of the manifest's). */
  replaceArgs?: Record<string, string>;
  /** Flags an operator would add through the chart's `args` or a kustomize patch (audit, log level). */
  extraArgs?: string[];
  /** Another ServiceAccount than the pod's (to show what a missing binding does). */
  serviceAccount?: string;
  /** Wait for /readyz (the default); false returns at once, for a server expected to fail. */
  waitReady?: boolean;
  /** Node's arguments before the server's: the TypeScript source through tsx by default (no build needed). */
  entrypoint?: string[];
  /**
   * Run the container image with podman instead of a local process (test/image): the same args, the
   * volumes mounted at their mount paths, and the chart's security settings.
   */
  image?: string;
}

/** The uid and gid the image and the chart run the server as. */
const CONTAINER_USER = 65532;

async function chownTree(path: string): Promise<void> {
  await chown(path, CONTAINER_USER, CONTAINER_USER);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory()) await chownTree(join(path, entry.name));
    else await chown(join(path, entry.name), CONTAINER_USER, CONTAINER_USER);
  }
}

/**
 * `podman run` as the kubelet would run the pod's container: uid 65532, read-only root filesystem, no
 * capabilities, no privilege escalation, the volumes (owned by 65532, as fsGroup makes them) at their
 * mount paths, on the host's network (the port is the test's, on 127.0.0.1).
 */
async function podmanArgs(image: string, name: string, container: Obj, mounts: Map<string, string>, kubeconfig: string): Promise<string[]> {
  const volumes: string[] = [];
  for (const m of container.volumeMounts as Obj[]) {
    const local = mounts.get(m.mountPath) as string;
    await chownTree(local);
    volumes.push('-v', `${local}:${m.mountPath}${m.readOnly ? ':ro' : ''}`);
  }
  await chown(kubeconfig, CONTAINER_USER, CONTAINER_USER);
  const env = ((container.env as Obj[] | undefined) ?? []).flatMap((e) =>
    typeof e.value === 'string' ? ['-e', `${e.name}=${e.value}`] : [],
  );
  return [
    'run',
    '--rm',
    '--pull=never',
    `--name=${name}`,
    '--network=host',
    `--user=${CONTAINER_USER}:${CONTAINER_USER}`,
    '--read-only',
    '--read-only-tmpfs=false',
    '--cap-drop=ALL',
    '--security-opt=no-new-privileges',
    ...volumes,
    '-v',
    `${kubeconfig}:/etc/aggregated-apiserver/kubeconfig:ro`,
    ...env,
    image,
  ];
}

/** Starts our server from the installed workload's pod template and (unless told not to) waits until /readyz answers 200. */
export async function startFromWorkload(o: StartOptions): Promise<ExtensionServer> {
  const admin = o.controlPlane.kubectl();
  const workload = await getJson(admin, [o.workload, '-n', o.namespace]);
  const pod = workload.spec.template.spec;
  const container = pod.containers[0];
  const serviceAccount = o.serviceAccount ?? (pod.serviceAccountName as string);
  const mounts = await materializeVolumes(admin, o.namespace, workload, o.dir);

  const token = (await admin.ok(['create', 'token', serviceAccount, '-n', o.namespace, '--duration=2h'])).trim();
  const kubeconfig = await o.controlPlane.tokenKubeconfig(`${o.namespace}-${serviceAccount}`, token, o.kubeconfigVia);

  const args = (container.args as string[]).map((a) => {
    const m = /^(--[\w-]+)=(.*)$/.exec(a);
    if (!m) return a;
    const [, flag, value] = m as unknown as [string, string, string];
    if (flag === '--secure-port') return `--secure-port=${o.port}`;
    const replaced = o.replaceArgs?.[flag];
    if (replaced !== undefined) return `${flag}=${replaced}`;
    // In the container the paths are the pod's own.
    return o.image ? a : `${flag}=${localPath(value, mounts)}`;
  });
  const host = o.netns?.address ?? '127.0.0.1';
  args.push(
    `--bind-address=${host}`,
    `--kubeconfig=${o.image ? '/etc/aggregated-apiserver/kubeconfig' : kubeconfig}`,
    ...(o.extraArgs ?? []),
  );
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const e of (container.env as Obj[] | undefined) ?? []) if (typeof e.value === 'string') env[e.name] = e.value;

  const entrypoint = o.entrypoint ?? ['--import', 'tsx', join(repoRoot, 'src', 'main.ts')];
  const [file, ...prefix] = o.image
    ? ['podman', ...(await podmanArgs(o.image, `aggregated-apiserver-e2e-${o.port}`, container, mounts, kubeconfig))]
    : [...(o.netns?.exec ?? []), process.execPath, ...entrypoint];
  const proc = startProcess(
    'aggregated-apiserver',
    file as string,
    [...prefix, ...args],
    join(o.dir, 'aggregated-apiserver.log'),
    o.image ? process.env : env,
  );
  const url = `https://${host}:${o.port}`;
  // The serving certificate's Secret holds the CA that signed it (ca.crt), the one the APIServices' caBundle carries.
  const certFile = args.find((a) => a.startsWith('--tls-cert-file='))?.slice('--tls-cert-file='.length);
  if (!certFile) throw new Error(`${o.workload} passes no --tls-cert-file`);
  // Only the container's arguments keep the pod's paths; a local process's are local already (and may lie under /tmp).
  const ca = await readFile(join(dirname(o.image ? localPath(certFile, mounts) : certFile), 'ca.crt'), 'utf8');
  // A StatefulSet names its Service; the chart's and deploy/'s Deployment is served by the Service of its own name.
  const serviceName = (workload.spec.serviceName ?? workload.metadata.name) as string;
  const serverTrust: ClientIdentity = { ca, servername: `${serviceName}.${o.namespace}.svc` };
  if (o.waitReady === false) return { process: proc, url, serverTrust };
  await eventually(
    'our server to report /readyz ok',
    async () => {
      if (!proc.alive) throw new GaveUp('the server exited');
      const res = await call(url, serverTrust, 'GET', '/readyz');
      if (res.status !== 200) throw new Error(`/readyz answered ${res.status}: ${res.text}`);
      return true;
    },
    { timeoutMs: 60_000, describe: () => `server log:\n${proc.tail()}` },
  );
  return { process: proc, url, serverTrust };
}
