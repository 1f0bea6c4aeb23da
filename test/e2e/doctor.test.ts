/**
 * `aggregated-apiserver doctor` against deploy/ installed in a real kube-apiserver, with our server in a pod's
 * place: a network namespace of its own (its pod IP), a Pod object the test keeps Ready from /readyz as the
 * kubelet would, and kube-controller-manager's endpoint controllers publishing it behind the Service's
 * selector. kube-apiserver routes to the endpoints (--enable-aggregator-routing), as it would to pod IPs.
 *
 * One thing at a time is broken in the working install; each time the APIService must stop being Available,
 * doctor must name that cause, and its fix, applied (its own command where it gives one), must make the
 * APIService Available again.
 */
import { execFile } from 'node:child_process';
import { get } from 'node:https';
import { cp as copy, mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Check, Report } from '../../src/doctor/report.js';
import { type CertificateAuthority, createCA, createCertificate } from '../../src/server/certificates/index.js';
import { deployDir, execOk, type Obj, parseManifests, repoRoot } from '../deploy/manifests.js';
import type { Kubectl } from '../support/kubectl.js';
import { availableCondition, waitAvailable } from './apiservice.js';
import type { ControlPlane } from './control-plane.js';
import { type ExtensionServer, startFromWorkload } from './extension-server.js';
import { DEPLOY_NAMESPACE as NAMESPACE, DEPLOY_STATEFULSET, WARDLE_API_SERVICES } from './install.js';
import { createNetwork, type Network } from './netns.js';
import { FRONT_PROXY_CLIENT } from './pki.js';
import { eventually, freePort } from './process.js';
import { BUILD_TIMEOUT_MS, skipE2E, startControlPlane } from './suite.js';
import { tcpProxy } from './tcp-proxy.js';

const PORT = 8443;
const SERVICE = 'aggregated-apiserver';
const SERVICE_DNS = `${SERVICE}.${NAMESPACE}.svc`;
const POD = `${DEPLOY_STATEFULSET}-0`;
const NODE = 'doctor-node';

let net: Network;
let cp: ControlPlane;
let admin: Kubectl;
let proxy: Server;
let servingCA: CertificateAuthority;
let kubelet: Kubelet;
let cacheDir: string;

const run = (file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(file, args, { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });

/** doctor as an operator runs it: the command line, with the admin's kubeconfig and a kubectl cache of the test's. */
async function doctor(): Promise<{ code: number; report: Report }> {
  const r = await run(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src', 'main.ts'), 'doctor', '--kubeconfig', cp.adminKubeconfig, '-o', 'json'],
    {
      KUBECACHEDIR: cacheDir,
    },
  );
  try {
    return { code: r.code, report: JSON.parse(r.stdout) as Report };
  } catch {
    throw new Error(`doctor printed no report (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

const failures = (r: Report): Check[] => r.checks.filter((c) => c.outcome === 'fail');
const describeReport = (r: Report): string =>
  r.checks.map((c) => `${c.outcome} ${c.check} ${c.subject}: ${c.message}${c.fix ? `\n  fix: ${c.fix}` : ''}`).join('\n');

/** doctor finds nothing failed, and exits 0. */
async function expectHealthy(): Promise<Report> {
  const { code, report } = await doctor();
  expect(failures(report), describeReport(report)).toEqual([]);
  expect(code).toBe(0);
  return report;
}

/** Runs doctor until a failed check matches; resolves with it and the whole report. */
async function doctorFinds(check: string, message: RegExp): Promise<{ found: Check[]; report: Report; code: number }> {
  let last: Report | undefined;
  return eventually(
    `doctor to report a failed ${check} check matching ${message}`,
    async () => {
      const { code, report } = await doctor();
      last = report;
      const found = failures(report).filter((c) => c.check === check && message.test(c.message));
      return found.length > 0 ? { found, report, code } : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1000, describe: () => (last ? describeReport(last) : 'no report yet') },
  );
}

/** Runs a fix doctor printed, as an operator pastes it into a shell. */
async function applyFix(check: Check): Promise<void> {
  expect(check.fix, `${check.subject}: ${check.message}`).toMatch(/^kubectl /);
  const r = await run('sh', ['-c', check.fix as string], { KUBECONFIG: cp.adminKubeconfig });
  expect(r.code, `${check.fix}\n${r.stdout}${r.stderr}`).toBe(0);
}

/**
 * The availability controller rechecks an APIService every 30 s, or at once when the APIService changes: an
 * annotation saves the wait (an operator's patch of the APIService does the same).
 */
let nudges = 0;
async function nudge(): Promise<void> {
  nudges++;
  for (const name of WARDLE_API_SERVICES)
    await admin.ok(['annotate', 'apiservice', name, `e2e.example.com/nudge=${nudges}`, '--overwrite']);
}

/** Waits until an APIService is not Available for `reason` (a restart's brief MissingEndpoints is not the fault). */
async function waitUnavailable(reason: RegExp): Promise<string> {
  let seen = '';
  return eventually(
    `an APIService to become unavailable with ${reason}`,
    async () => {
      await nudge();
      const conditions = await Promise.all(WARDLE_API_SERVICES.map((n) => availableCondition(admin, n)));
      seen = conditions.map((c) => `${c?.status} ${c?.reason}: ${c?.message}`).join('\n');
      const down = conditions.find((c) => c?.status !== 'True' && reason.test(c?.reason ?? ''));
      return down ? `${down.reason}: ${down.message}` : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 2000, describe: () => `${seen}\n${kubelet.server?.process.tail(10)}` },
  );
}

async function waitRecovered(): Promise<void> {
  await nudge();
  await waitAvailable(admin, WARDLE_API_SERVICES, () => `${kubelet.server?.process.tail(20)}\n${cp.logTail()}`, 90_000);
}

/**
 * The kubelet's part for one pod: runs the container (our server in the network namespace, restarted when it
 * exits) and reports its readiness probe (/readyz) in the Pod's status, which the endpoint controllers read.
 */
class Kubelet {
  server: ExtensionServer | undefined;
  private ready: boolean | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private restarts = 0;

  constructor(private readonly start: (waitReady: boolean) => Promise<ExtensionServer>) {}

  async run(): Promise<void> {
    this.server = await this.start(true);
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.sync()).catch(() => undefined);
    }, 500);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.server?.process.stop();
  }

  /**
   * A new serving certificate as deploy/ rolls one out: the Secret changes and the pod restarts (here the
   * process is stopped, and started again from the Secret). A reload in place would not do: the aggregator
   * keeps its HTTP/2 connection, and with it the certificate it verified, until the connection closes.
   */
  async rollOutServingCert(pair: { cert: string; key: string }): Promise<void> {
    const statefulSet = JSON.parse(await admin.ok(['get', 'statefulset', DEPLOY_STATEFULSET, '-n', NAMESPACE, '-o', 'json'])) as Obj;
    const volume = (statefulSet.spec.template.spec.volumes as Obj[]).find((v) => v.name === 'serving-cert');
    const data = { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.key).toString('base64') };
    await admin.ok(['patch', 'secret', volume?.secret.secretName, '-n', NAMESPACE, '--type=merge', '-p', JSON.stringify({ data })]);
    await this.server?.process.stop();
    await eventually('the pod to run again', async () => (this.server?.process.alive ? true : undefined), { timeoutMs: 30_000 });
  }

  private async sync(): Promise<void> {
    if (this.server && !this.server.process.alive) {
      // CrashLoopBackOff, shortened.
      this.restarts++;
      await new Promise((r) => setTimeout(r, 1000));
      this.server = await this.start(false);
    }
    const ready = this.server ? await probe(`${this.server.url}/readyz`) : false;
    if (ready === this.ready) return;
    const address = net.namespaces[0]?.address as string;
    const status = {
      phase: 'Running',
      hostIP: net.hostAddress,
      podIP: address,
      podIPs: [{ ip: address }],
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False' },
        { type: 'ContainersReady', status: ready ? 'True' : 'False' },
      ],
      containerStatuses: [
        {
          name: 'aggregated-apiserver',
          ready,
          restartCount: this.restarts,
          image: 'aggregated-apiserver',
          imageID: '',
          started: true,
          state: { running: {} },
        },
      ],
    };
    await admin.ok(['patch', 'pod', POD, '-n', NAMESPACE, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    this.ready = ready;
  }
}

/** An HTTPS readiness probe as the kubelet makes it: the server's certificate is not checked. */
function probe(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** A serving certificate of the install's CA. */
const servingPair = (dnsNames = [SERVICE_DNS], validity: { notBefore?: Date; notAfter?: Date } = {}) =>
  createCertificate(servingCA, { commonName: SERVICE_DNS, dnsNames, usage: 'serverAuth', ...validity });

describe.skipIf(skipE2E)('doctor, on deploy/ behind a real kube-apiserver, one fault at a time', () => {
  beforeAll(async () => {
    net = await createNetwork(1);
    cp = await startControlPlane('doctor', {
      kubeApiserverArgs: ['--enable-aggregator-routing=true'],
      kubeControllers: ['endpointslice-controller', 'endpoints-controller'],
    });
    admin = cp.kubectl();
    cacheDir = join(cp.dir, 'kubectl-cache');
    const proxyPort = await freePort();
    proxy = await tcpProxy(net.hostAddress, proxyPort, cp.port);

    // deploy/ as the README installs it, with a serving certificate of a CA the test keeps (to re-issue it).
    const deploy = join(cp.dir, 'deploy');
    await copy(deployDir, deploy, { recursive: true });
    servingCA = await createCA({ commonName: 'aggregated-apiserver-ca' });
    const pair = await servingPair();
    await writeFile(join(deploy, 'tls', 'ca.crt'), servingCA.cert);
    await writeFile(join(deploy, 'tls', 'tls.crt'), pair.cert);
    await writeFile(join(deploy, 'tls', 'tls.key'), pair.key);
    await admin.ok(
      ['apply', '-f', '-'],
      parseManifests(await execOk('kubectl', ['kustomize', deploy]))
        .map((o) => stringify(o))
        .join('---\n'),
    );

    // The node and the pod the StatefulSet controller and the scheduler would have made.
    const statefulSet = JSON.parse(await admin.ok(['get', 'statefulset', DEPLOY_STATEFULSET, '-n', NAMESPACE, '-o', 'json'])) as Obj;
    const template = statefulSet.spec.template;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: POD, namespace: NAMESPACE, labels: template.metadata.labels },
      spec: {
        nodeName: NODE,
        serviceAccountName: template.spec.serviceAccountName,
        // The template's security contexts: the namespace enforces the restricted Pod Security Standard.
        securityContext: template.spec.securityContext,
        containers: (template.spec.containers as Obj[]).map((c) => ({
          name: c.name,
          image: c.image,
          ports: c.ports,
          securityContext: c.securityContext,
        })),
      },
    };
    await admin.ok(
      ['apply', '-f', '-'],
      [{ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } }, pod].map((o) => stringify(o)).join('---\n'),
    );
    await mkdir(cacheDir, { recursive: true });

    const ns = net.namespaces[0] as Network['namespaces'][number];
    kubelet = new Kubelet((waitReady) =>
      startFromWorkload({
        controlPlane: cp,
        namespace: NAMESPACE,
        workload: `statefulset/${DEPLOY_STATEFULSET}`,
        port: PORT,
        dir: cp.dir,
        netns: { exec: net.exec(ns), address: ns.address },
        kubeconfigVia: { server: `https://${net.hostAddress}:${proxyPort}`, tlsServerName: 'localhost' },
        extraArgs: ['--log-level=warn'],
        waitReady,
      }),
    );
    await kubelet.run();
    await waitAvailable(admin, WARDLE_API_SERVICES, () => `${kubelet.server?.process.tail()}\n${cp.logTail()}`);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await kubelet?.stop();
    proxy?.close();
    await cp?.stop();
    await net?.destroy();
  });

  it('finds a working install healthy (exit 0), and warns of a stale kubectl discovery cache with the command that clears it', async () => {
    const host = cp.url.replace('https://', '').replace(':', '_');
    const stale = join(cacheDir, 'discovery', host, 'wardle.example.com', 'v1alpha1');
    await mkdir(stale, { recursive: true });
    await writeFile(
      join(stale, 'serverresources.json'),
      JSON.stringify({ kind: 'APIResourceList', groupVersion: 'wardle.example.com/v1alpha1', resources: [{ name: 'flunders' }] }),
    );

    const report = await expectHealthy();
    expect(report.healthy).toBe(true);
    const checked = new Set(report.checks.map((c) => c.check));
    for (const c of ['apiservice', 'service', 'endpoints', 'certificate', 'rbac', 'authentication', 'discovery', 'version'])
      expect(checked, c).toContain(c);
    expect(report.checks).toContainEqual(
      expect.objectContaining({
        check: 'endpoints',
        outcome: 'ok',
        message: expect.stringContaining(`${net.namespaces[0]?.address}:${PORT}`),
      }),
    );
    expect(report.checks).toContainEqual(
      expect.objectContaining({ check: 'certificate', outcome: 'ok', message: expect.stringContaining(`names ${SERVICE_DNS}`) }),
    );

    const cache = report.checks.find((c) => c.check === 'kubectl-cache' && c.subject === 'apiservice/v1alpha1.wardle.example.com');
    expect(cache).toMatchObject({ outcome: 'warn', message: expect.stringContaining('[flunders]') });
    await run('sh', ['-c', cache?.fix as string]);
    expect((await doctor()).report.checks.filter((c) => c.check === 'kubectl-cache')).toEqual([]);
  }, 120_000);

  it('names a caBundle that did not issue the serving certificate, and its patch restores the APIServices', async () => {
    const other = await createCA({ commonName: 'some-other-ca' });
    for (const name of WARDLE_API_SERVICES) {
      await admin.ok([
        'patch',
        'apiservice',
        name,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { caBundle: Buffer.from(other.cert).toString('base64') } }),
      ]);
    }
    await waitUnavailable(/FailedDiscoveryCheck/);
    const { found, code } = await doctorFinds('certificate', /caBundle .*some-other-ca.* did not issue the serving certificate/);
    expect(code).toBe(1);
    expect(found.map((c) => c.subject).sort()).toEqual(WARDLE_API_SERVICES.map((n) => `apiservice/${n}`).sort());
    for (const c of found) await applyFix(c);
    await waitRecovered();
  }, 240_000);

  it('names an APIService port the Service does not have, and its patch restores it', async () => {
    await admin.ok(['patch', 'apiservice', 'v1beta1.wardle.example.com', '--type=merge', '-p', '{"spec":{"service":{"port":8443}}}']);
    await waitUnavailable(/ServicePortError/);
    const { found } = await doctorFinds('service', /has no port 8443, which apiservice\/v1beta1.wardle.example.com dials/);
    await applyFix(found[0] as Check);
    await waitRecovered();
  }, 240_000);

  it('names a Service selector that matches no pod, and its patch restores the endpoints', async () => {
    await admin.ok([
      'patch',
      'service',
      SERVICE,
      '-n',
      NAMESPACE,
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/selector","value":{"app":"nothing"}}]',
    ]);
    await waitUnavailable(/MissingEndpoints|EndpointsNotFound/);
    const { found } = await doctorFinds(
      'endpoints',
      /selector \{"app":"nothing"\} matches no pod, and not the pod template of statefulset\/aggregated-apiserver/,
    );
    await applyFix(found[0] as Check);
    await waitRecovered();
  }, 240_000);

  it('names the missing system:auth-delegator binding, which fails every request while the APIService still says Available; the binding it prints restores them', async () => {
    // The aggregator's own check is made as system:masters, which needs no SubjectAccessReview: the
    // APIService stays Available while every other user's request fails. That is where doctor is needed.
    await admin.ok(['create', 'clusterrole', 'flunder-reader', '--verb=get,list', '--resource=flunders.wardle.example.com']);
    await admin.ok(['create', 'clusterrolebinding', 'alice-flunder-reader', '--clusterrole=flunder-reader', '--user=alice']);
    const alice = cp.kubectl(await cp.userKubeconfig('alice'));
    const aliceLists = async (): Promise<boolean> => (await alice.run(['get', 'flunders', '-n', 'default'])).code === 0;
    await eventually('alice to list flunders', async () => ((await aliceLists()) ? true : undefined), { timeoutMs: 30_000 });

    await admin.ok(['delete', 'clusterrolebinding', 'aggregated-apiserver:system:auth-delegator']);
    // Past the server's 10 s cache of allowed reviews.
    await eventually('alice’s requests to fail', async () => ((await aliceLists()) ? undefined : true), {
      timeoutMs: 60_000,
      intervalMs: 1000,
    });
    const { found, code } = await doctorFinds('rbac', /may not create TokenReviews and SubjectAccessReviews/);
    expect(code).toBe(1);
    expect((await availableCondition(admin, 'v1alpha1.wardle.example.com'))?.status).toBe('True');
    expect(found[0]?.fix).toContain('--clusterrole=system:auth-delegator --serviceaccount=aggregated-apiserver:aggregated-apiserver');
    await applyFix(found[0] as Check);
    await eventually('alice to list flunders again', async () => ((await aliceLists()) ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 1000,
    });
    await waitRecovered();
  }, 240_000);

  it('names a serving certificate without the Service name; re-issued, the APIServices recover', async () => {
    await kubelet.rollOutServingCert(await servingPair(['wrong.example.com']));
    await waitUnavailable(/FailedDiscoveryCheck/);
    const { found } = await doctorFinds(
      'certificate',
      new RegExp(`does not name ${SERVICE_DNS.replace(/\./g, '\\.')}.*wrong\\.example\\.com`),
    );
    expect(found[0]?.fix).toContain(`issue a new certificate for DNS:${SERVICE_DNS}`);
    await kubelet.rollOutServingCert(await servingPair());
    await waitRecovered();
  }, 240_000);

  it('names an expired serving certificate; re-issued, the APIServices recover', async () => {
    const day = 86_400_000;
    await kubelet.rollOutServingCert(
      await servingPair([SERVICE_DNS], { notBefore: new Date(Date.now() - 3 * day), notAfter: new Date(Date.now() - day) }),
    );
    await waitUnavailable(/FailedDiscoveryCheck/);
    await doctorFinds('certificate', /expired on/);
    await kubelet.rollOutServingCert(await servingPair());
    await waitRecovered();
  }, 240_000);

  it('names the missing extension-apiserver-authentication-reader binding of a server that then cannot start, and the binding it prints restores it', async () => {
    await admin.ok(['delete', 'rolebinding', 'aggregated-apiserver-auth-reader', '-n', 'kube-system']);
    // A running server keeps the trust it has (its open watch is not re-authorized); the next start fails,
    // as a rolling update or an evicted pod would find out.
    await kubelet.server?.process.stop();
    await waitUnavailable(/MissingEndpoints/);
    const { report } = await doctorFinds('rbac', /may not get, list and watch ConfigMap kube-system\/extension-apiserver-authentication/);
    expect(failures(report)).toContainEqual(
      expect.objectContaining({
        check: 'endpoints',
        message: expect.stringContaining(`1 pod(s) match but none is a ready endpoint (${POD}: Running, not ready)`),
      }),
    );
    const reader = failures(report).find((c) => c.check === 'rbac') as Check;
    expect(reader.fix).toContain(
      '--role=extension-apiserver-authentication-reader --serviceaccount=aggregated-apiserver:aggregated-apiserver',
    );
    await applyFix(reader);
    await waitRecovered();
    await expectHealthy();
  }, 300_000);

  it('names a front-proxy CA rotated after the server lost its reader binding (and its watch, to a kube-apiserver restart), and the binding it prints restores trust', async () => {
    // deploy/'s binding was replaced by the one doctor printed, in the test before.
    await admin.ok([
      'delete',
      'rolebinding',
      '-n',
      'kube-system',
      '--ignore-not-found',
      'aggregated-apiserver-auth-reader',
      'aggregated-apiserver-aggregated-apiserver-auth-reader',
    ]);
    // A restart of kube-apiserver (an upgrade, say) drops the server's watch of the ConfigMap; the watch it
    // opens again is refused, so it keeps the trust it has.
    await cp.restartKubeApiserver();
    await eventually(
      'the server to have re-opened its watches',
      async () => (/informer failed/.test(kubelet.server?.process.tail(40) ?? '') ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    await new Promise((r) => setTimeout(r, 6000));
    // Then the front-proxy CA is rotated: kube-apiserver reloads the files and republishes the CA, which the
    // server may no longer read.
    const f = cp.pki.files;
    const newCA = await createCA({ commonName: 'front-proxy-ca-2' });
    const newClient = await createCertificate(newCA, { commonName: FRONT_PROXY_CLIENT });
    await writeFile(f.frontProxyCACert, newCA.cert);
    await writeFile(f.proxyClientKey, newClient.key);
    await writeFile(f.proxyClientCert, newClient.cert);

    await waitUnavailable(/FailedDiscoveryCheck/);
    const { report } = await doctorFinds('discovery', /does not trust the aggregator's front-proxy client certificate/);
    const reader = failures(report).find((c) => c.check === 'rbac') as Check;
    expect(reader?.fix, describeReport(report)).toContain('--role=extension-apiserver-authentication-reader');
    await applyFix(reader);
    // The server refreshes its trust every minute, and at once when its watch gets through again.
    await waitRecovered();
    await expectHealthy();
  }, 300_000);
});
