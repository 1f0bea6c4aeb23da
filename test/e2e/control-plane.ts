/**
 * A real control plane on 127.0.0.1: etcd, then kube-apiserver with the aggregation layer configured as the
 * Kubernetes documentation says (front-proxy CA apart from the client CA, proxy client certificate
 * `front-proxy-client`, X-Remote-* headers), RBAC authorization, service-account tokens and an audit log.
 * kube-apiserver writes kube-system/extension-apiserver-authentication itself from these flags.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { call, type ClientIdentity, type Response } from '../support/client.js';
import { Kubectl } from '../support/kubectl.js';
import { createControlPlanePki, type ControlPlanePki, userCertificate } from './pki.js';
import { startEtcd } from './etcd.js';
import { eventually, freePort, GaveUp, type ManagedProcess, startProcess } from './process.js';

export interface ControlPlaneBinaries {
  etcd: string;
  kubeApiserver: string;
  /** Started when given: namespace deletion, garbage collection and ClusterRole aggregation. */
  kubeControllerManager?: string;
}

export interface ControlPlaneOptions {
  /** etcd syncs every write to disk, as in production (benchmarks); tests skip the fsync. */
  durable?: boolean;
  /** kube-apiserver's audit log (on by default); a benchmark of kube-apiserver's own speed turns it off. */
  audit?: boolean;
  /** More kube-apiserver flags (`--enable-aggregator-routing=true` for replicas reached by their endpoints). */
  kubeApiserverArgs?: string[];
  /** kube-controller-manager's controllers, when started (namespace, garbage collection and ClusterRole aggregation by default). */
  kubeControllers?: string[];
}

/** Each controller's ServiceAccount, which kube-controller-manager creates as the controller starts. */
const CONTROLLER_SERVICE_ACCOUNTS: Record<string, string> = {
  'namespace-controller': 'namespace-controller',
  'garbage-collector-controller': 'generic-garbage-collector',
  'clusterrole-aggregation-controller': 'clusterrole-aggregation-controller',
  'endpointslice-controller': 'endpointslice-controller',
  'endpoints-controller': 'endpoint-controller',
};
const DEFAULT_CONTROLLERS = ['namespace-controller', 'garbage-collector-controller', 'clusterrole-aggregation-controller'];

/** Where a kubeconfig sends its client, when not to kube-apiserver's loopback URL (a proxy the test runs). */
export interface KubeconfigServer {
  server: string;
  /** The name the serving certificate is checked against (one of its DNS names: `localhost`). */
  tlsServerName: string;
}

const AUDIT_POLICY = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'], rules: [{ level: 'Metadata' }] };

export class ControlPlane {
  private readonly processes: ManagedProcess[] = [];
  readonly url: string;
  readonly pki: ControlPlanePki;
  /** A kubeconfig for `admin` in `system:masters`. */
  adminKubeconfig = '';
  readonly auditLog: string;

  private constructor(
    readonly dir: string,
    pki: ControlPlanePki,
    readonly port: number,
  ) {
    this.pki = pki;
    this.url = `https://127.0.0.1:${port}`;
    this.auditLog = join(dir, 'kube-apiserver-audit.log');
  }

  static async start(dir: string, bin: ControlPlaneBinaries, opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
    await mkdir(dir, { recursive: true });
    const pki = await createControlPlanePki(join(dir, 'pki'));
    const cp = new ControlPlane(dir, pki, await freePort());
    try {
      await cp.startEtcd(bin.etcd, opts.durable ?? false);
      cp.kubeApiserverStart = () => cp.startKubeApiserver(bin.kubeApiserver, opts.audit ?? true, opts.kubeApiserverArgs ?? []);
      await cp.kubeApiserverStart();
      cp.adminKubeconfig = await cp.userKubeconfig('admin', ['system:masters']);
      if (bin.kubeControllerManager)
        await cp.startKubeControllerManager(bin.kubeControllerManager, opts.kubeControllers ?? DEFAULT_CONTROLLERS);
    } catch (err) {
      await cp.stop();
      throw err;
    }
    return cp;
  }

  /** etcd's client URL: another apiserver (the sample-apiserver) may keep its objects there under a prefix of its own. */
  etcdUrl = '';

  private async startEtcd(etcd: string, durable: boolean): Promise<void> {
    const member = await startEtcd(etcd, this.dir, durable);
    this.processes.push(member.process);
    this.etcdUrl = member.url;
  }

  private kubeApiserverStart: () => Promise<void> = async () => undefined;
  private kubeApiserver: ManagedProcess | undefined;

  /**
   * Stops kube-apiserver and starts it again with the same flags and files, as an operator does after
   * rotating its certificates: every connection to it, and its own connections to aggregated servers, drop.
   */
  async restartKubeApiserver(): Promise<void> {
    const old = this.kubeApiserver;
    if (!old) throw new Error('kube-apiserver is not running');
    await old.stop();
    this.processes.splice(this.processes.indexOf(old), 1);
    await this.kubeApiserverStart();
  }

  private async startKubeApiserver(kubeApiserver: string, audit: boolean, extraArgs: string[]): Promise<void> {
    const f = this.pki.files;
    const policy = join(this.dir, 'audit-policy.yaml');
    await writeFile(policy, stringify(AUDIT_POLICY));
    const p = startProcess(
      'kube-apiserver',
      kubeApiserver,
      [
        `--etcd-servers=${this.etcdUrl}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${this.port}`,
        '--advertise-address=127.0.0.1',
        `--cert-dir=${join(this.dir, 'kube-apiserver-certs')}`,
        `--tls-cert-file=${f.servingCert}`,
        `--tls-private-key-file=${f.servingKey}`,
        `--client-ca-file=${f.caCert}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${f.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${f.serviceAccountKey}`,
        // Only allocated, never dialled: the aggregator reaches us through an ExternalName Service on loopback.
        '--service-cluster-ip-range=10.96.0.0/24',
        // No kubelet or kube-proxy here: the `kubernetes` Service's endpoints would name loopback, which the
        // Endpoints API refuses.
        '--endpoint-reconciler-type=none',
        // The aggregation layer (https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/).
        `--requestheader-client-ca-file=${f.frontProxyCACert}`,
        '--requestheader-allowed-names=front-proxy-client',
        '--requestheader-username-headers=X-Remote-User',
        '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        `--proxy-client-cert-file=${f.proxyClientCert}`,
        `--proxy-client-key-file=${f.proxyClientKey}`,
        ...(audit ? [`--audit-policy-file=${policy}`, `--audit-log-path=${this.auditLog}`] : []),
        ...extraArgs,
      ],
      join(this.dir, 'kube-apiserver.log'),
    );
    this.processes.push(p);
    this.kubeApiserver = p;
    const admin = await this.identity('admin', ['system:masters']);
    await eventually(
      'kube-apiserver to report /readyz ok',
      async () => {
        if (!p.alive) throw new GaveUp('kube-apiserver exited');
        const res = await call(this.url, admin, 'GET', '/readyz');
        if (res.status !== 200) throw new Error(`/readyz answered ${res.status}: ${res.text}`);
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 1000, describe: () => `kube-apiserver log:\n${p.tail()}` },
    );
  }

  /**
   * Only the controllers that reach every API group through discovery, each with its own ServiceAccount as
   * kubeadm runs them (--use-service-account-credentials), so their requests to us are authorized by
   * SubjectAccessReview like anyone's.
   */
  private async startKubeControllerManager(kubeControllerManager: string, controllers: string[]): Promise<void> {
    const kubeconfig = await this.userKubeconfig('system:kube-controller-manager');
    const p = startProcess(
      'kube-controller-manager',
      kubeControllerManager,
      [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${await freePort()}`,
        `--cert-dir=${join(this.dir, 'kube-controller-manager-certs')}`,
        '--leader-elect=false',
        '--use-service-account-credentials=true',
        `--controllers=${controllers.join(',')}`,
        `--root-ca-file=${this.pki.files.caCert}`,
      ],
      join(this.dir, 'kube-controller-manager.log'),
    );
    this.processes.push(p);
    const admin = this.kubectl();
    // Each controller gets its ServiceAccount as it starts.
    await eventually(
      'kube-controller-manager to start its controllers',
      async () => {
        if (!p.alive) throw new GaveUp('kube-controller-manager exited');
        const r = await admin.run(['get', 'serviceaccounts', '-n', 'kube-system', '-o', 'name']);
        const names = r.stdout.split('\n');
        return controllers.every((c) => names.includes(`serviceaccount/${CONTROLLER_SERVICE_ACCOUNTS[c] ?? c}`)) ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000, describe: () => `kube-controller-manager log:\n${p.tail()}` },
    );
  }

  /** A client certificate identity of the cluster CA, for raw requests. */
  async identity(user: string, groups: string[] = []): Promise<ClientIdentity> {
    const pair = await userCertificate(this.pki, user, groups);
    return { ca: this.pki.clusterCA.cert, cert: pair.cert, key: pair.key };
  }

  /** The aggregator's front-proxy client certificate as kube-apiserver has it now (files, so after a rotation too). */
  async frontProxyClient(): Promise<{ cert: string; key: string }> {
    const f = this.pki.files;
    return { cert: await readFile(f.proxyClientCert, 'utf8'), key: await readFile(f.proxyClientKey, 'utf8') };
  }

  /** Writes a kubeconfig that authenticates as `user` in `groups` with a client certificate. */
  async userKubeconfig(user: string, groups: string[] = []): Promise<string> {
    const id = await this.identity(user, groups);
    return this.writeKubeconfig(user, { 'client-certificate-data': b64(id.cert ?? ''), 'client-key-data': b64(id.key ?? '') });
  }

  /** Writes a kubeconfig that authenticates with a bearer token (a ServiceAccount's, from the TokenRequest API). */
  tokenKubeconfig(name: string, token: string, via?: KubeconfigServer): Promise<string> {
    return this.writeKubeconfig(name, { token }, via);
  }

  private async writeKubeconfig(name: string, user: Record<string, string>, via?: KubeconfigServer): Promise<string> {
    const server = via ? { server: via.server, 'tls-server-name': via.tlsServerName } : { server: this.url };
    const path = join(this.dir, `${name.replace(/[^\w.-]/g, '_')}.kubeconfig`);
    await writeFile(
      path,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'e2e', cluster: { ...server, 'certificate-authority-data': b64(this.pki.clusterCA.cert) } }],
        users: [{ name, user }],
        contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: name, namespace: 'default' } }],
        'current-context': 'e2e',
      }),
      { mode: 0o600 },
    );
    return path;
  }

  kubectl(kubeconfig = this.adminKubeconfig): Kubectl {
    return new Kubectl(kubeconfig);
  }

  async request(id: ClientIdentity, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response> {
    return call(this.url, id, method, path, body, headers);
  }

  /** The kube-apiserver log's tail, for failure messages. */
  logTail(): string {
    return this.processes.map((p) => `--- ${p.name} (${p.alive ? 'running' : 'exited'}):\n${p.tail(30)}`).join('\n');
  }

  /** Stops every process and removes the directory (etcd's data, certificates, logs: tens of megabytes a run). */
  async stop(): Promise<void> {
    for (const p of [...this.processes].reverse()) await p.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
