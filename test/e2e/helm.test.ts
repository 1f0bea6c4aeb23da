/**
 * The Helm chart installed into a real kube-apiserver by a real helm, with its default values: the
 * chart's certificate, ServiceAccount and RBAC alone make our server work behind the aggregator.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDir, exec, execOk, repoRoot } from '../deploy/manifests.js';
import type { Kubectl } from '../support/kubectl.js';
import { ensureHelm } from '../tools/helm.js';
import { waitAvailable } from './apiservice.js';
import type { ControlPlane } from './control-plane.js';
import { type ExtensionServer, startFromWorkload } from './extension-server.js';
import { eventually, freePort } from './process.js';
import { BUILD_TIMEOUT_MS, skipE2E, startControlPlane } from './suite.js';

const RELEASE = 'wardle';
const NAMESPACE = 'wardle-system';
const API_SERVICES = ['v1alpha1.wardle.example.com', 'v1beta1.wardle.example.com'];

let helm: string;
let cp: ControlPlane;
let server: ExtensionServer;
let admin: Kubectl;
let postRenderer: string[];

const runHelm = (args: string[]): Promise<string> =>
  execOk(helm, [...args, '--kubeconfig', cp.adminKubeconfig, '--namespace', NAMESPACE], { cwd: repoRoot, timeoutMs: 120_000 });

describe.skipIf(skipE2E)('the Helm chart behind a real kube-apiserver', () => {
  beforeAll(async () => {
    [helm, cp] = await Promise.all([ensureHelm(), startControlPlane('helm')]);
    admin = cp.kubectl();
    const port = await freePort();
    // The post-renderer points the Service and APIServices at our local process (see loopback.ts).
    postRenderer = [
      '--post-renderer',
      process.execPath,
      ...['--import', 'tsx', join(repoRoot, 'test', 'e2e', 'loopback-post-renderer.ts'), String(port)].flatMap((a) => [
        '--post-renderer-args',
        a,
      ]),
    ];
    await runHelm(['install', RELEASE, chartDir, '--create-namespace', ...postRenderer]);
    const statefulSet = (
      await admin.ok([
        'get',
        'statefulsets',
        '-n',
        NAMESPACE,
        '-l',
        `app.kubernetes.io/instance=${RELEASE}`,
        '-o',
        'jsonpath={.items[*].metadata.name}',
      ])
    ).trim();
    server = await startFromWorkload({ controlPlane: cp, namespace: NAMESPACE, workload: `statefulset/${statefulSet}`, port, dir: cp.dir });
    await waitAvailable(admin, API_SERVICES, () => `${server.process.tail()}\n${cp.logTail()}`);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await server?.process.stop();
    await cp?.stop();
  });

  it("installs a release whose APIServices pass the aggregator's checks", async () => {
    expect(await runHelm(['status', RELEASE])).toMatch(/STATUS: deployed/);
    const conditions = await waitAvailable(admin, API_SERVICES, () => server.process.tail());
    for (const c of conditions) expect(c).toMatchObject({ status: 'True', reason: 'Passed', message: 'all checks passed' });
  });

  it('serves Flunders and Fischers through kube-apiserver', async () => {
    await admin.ok(
      ['create', '-f', '-'],
      `apiVersion: wardle.example.com/v1alpha1
kind: Flunder
metadata:
  name: charted
  namespace: default
spec:
  reference: other
  referenceType: Flunder
---
apiVersion: wardle.example.com/v1alpha1
kind: Fischer
metadata:
  name: charted
disallowedFlunders: [bad]
`,
    );
    expect(await admin.ok(['get', 'flunders', '-n', 'default', '-o', 'name'])).toBe('flunder.wardle.example.com/charted\n');
    expect(await admin.ok(['get', 'fischers', '-o', 'jsonpath={.items[*].disallowedFlunders}'])).toBe('["bad"]');
  });

  it("ships ClusterRoles that grant a namespace's users our resources when bound there", async () => {
    const edit = (await admin.ok(['get', 'clusterroles', '-l', `app.kubernetes.io/instance=${RELEASE}`, '-o', 'name']))
      .trim()
      .split('\n')
      .find((n) => n.endsWith('-edit'));
    const view = edit?.replace(/-edit$/, '-view');
    expect(edit).toBeDefined();
    // No kube-controller-manager runs here to aggregate them into edit/admin, so bind them directly.
    await admin.ok(['create', 'namespace', 'team-c']);
    for (const role of [edit, view]) {
      await admin.ok([
        'create',
        'rolebinding',
        `dana-${role?.split('-').at(-1)}`,
        '-n',
        'team-c',
        `--clusterrole=${role?.replace('clusterrole.rbac.authorization.k8s.io/', '')}`,
        '--user=dana',
      ]);
    }
    const dana = cp.kubectl(await cp.userKubeconfig('dana'));
    await dana.ok(
      ['create', '-f', '-'],
      'apiVersion: wardle.example.com/v1alpha1\nkind: Flunder\nmetadata:\n  name: danas\n  namespace: team-c\n',
    );
    expect(await dana.ok(['get', 'flunders', '-n', 'team-c', '-o', 'name'])).toBe('flunder.wardle.example.com/danas\n');
    expect((await dana.run(['get', 'flunders', '-n', 'default'])).stderr).toMatch(/Forbidden.*User "dana" cannot list resource "flunders"/);
  });

  it('keeps the serving certificate and caBundle across helm upgrade, so the server needs no restart', async () => {
    const servingCert = async (): Promise<{ crt: string; caBundles: string[] }> => {
      const secrets = JSON.parse(
        await admin.ok(['get', 'secrets', '-n', NAMESPACE, '-l', `app.kubernetes.io/instance=${RELEASE}`, '-o', 'json']),
      ).items;
      const tls = secrets.filter((x: { type: string }) => x.type === 'kubernetes.io/tls');
      expect(tls).toHaveLength(1);
      const caBundles = await Promise.all(API_SERVICES.map((n) => admin.ok(['get', 'apiservice', n, '-o', 'jsonpath={.spec.caBundle}'])));
      return { crt: tls[0].data['tls.crt'], caBundles };
    };
    const before = await servingCert();
    expect(await runHelm(['upgrade', RELEASE, chartDir, '--reuse-values', ...postRenderer])).toMatch(/has been upgraded/);
    expect(await servingCert()).toEqual(before);
    expect(await runHelm(['status', RELEASE])).toMatch(/REVISION: 2/);
    await waitAvailable(admin, API_SERVICES, () => server.process.tail());
    expect(await admin.ok(['get', 'flunders', '-n', 'default', '-o', 'name'])).toBe('flunder.wardle.example.com/charted\n');
  });

  it('is found healthy by doctor, whatever the chart names its bindings (exit 0, no failed check)', async () => {
    const r = await exec(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'src', 'main.ts'), 'doctor', '--kubeconfig', cp.adminKubeconfig, '-o', 'json'],
      {
        cwd: repoRoot,
        timeoutMs: 60_000,
      },
    );
    const report = JSON.parse(r.stdout) as { healthy: boolean; checks: { check: string; outcome: string; message: string }[] };
    expect(report.checks.filter((c) => c.outcome === 'fail')).toEqual([]);
    expect(r.code).toBe(0);
    expect(report.checks.filter((c) => c.check === 'rbac').map((c) => c.outcome)).toEqual(['ok', 'ok']);
  });

  it('uninstalls cleanly: the APIServices go, and with them the resources', async () => {
    await runHelm(['uninstall', RELEASE, '--wait=false']);
    expect((await admin.ok(['get', 'apiservices', '-o', 'name'])).split('\n').filter((n) => n.includes('wardle'))).toEqual([]);
    const gone = await eventually(
      'kube-apiserver to stop serving flunders',
      async () => {
        const r = await admin.run(['get', 'flunders', '-n', 'default']);
        if (r.code === 0) throw new Error(`still served: ${r.stdout}`);
        return r.stderr;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    // kubectl's discovery cache may still name the resource; then kube-apiserver answers 404 itself.
    expect(gone).toMatch(/the server doesn't have a resource type "flunders"|the server could not find the requested resource/);
  }, 60_000);
});
