/**
 * deploy/ installed into a real kube-apiserver, and everything proven through it with the machine's kubectl:
 * user -> kube-apiserver (authn, authz) -> aggregator proxy (front-proxy certificate, X-Remote-* headers)
 * -> our server (verify, SubjectAccessReview back to kube-apiserver) -> response.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createCA, createCertificate } from '../../src/server/certificates/index.js';
import { call, type ClientIdentity } from '../support/client.js';
import { type Kubectl, type KubectlResult, OutputWatcher } from '../support/kubectl.js';
import { waitAvailable } from './apiservice.js';
import type { ControlPlane } from './control-plane.js';
import { type ExtensionServer, startFromWorkload } from './extension-server.js';
import { DEPLOY_NAMESPACE, DEPLOY_STATEFULSET, installAndStart, WARDLE_API_SERVICES } from './install.js';
import { FRONT_PROXY_CLIENT } from './pki.js';
import { eventually, freePort } from './process.js';
import { BUILD_TIMEOUT_MS, skipE2E, startControlPlane } from './suite.js';
import { startWebhookServer } from '../../src/admission/plugins/webhook/testing/webhook-server.js';

const NAMESPACE = DEPLOY_NAMESPACE;
const API_SERVICES = WARDLE_API_SERVICES;
const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const flunder = (name: string, namespace: string, extra = ''): string => `apiVersion: wardle.example.com/v1alpha1
kind: Flunder
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    sample-label: "true"
spec:
  reference: ${name}-ref
  referenceType: Flunder
${extra}`;

let cp: ControlPlane;
let server: ExtensionServer;
let admin: Kubectl;
let auditLog: string;
/** Our server's audit events so far. */
const auditEvents = async (): Promise<any[]> =>
  (await readFile(auditLog, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe.skipIf(skipE2E)('deploy/ behind a real kube-apiserver', () => {
  beforeAll(async () => {
    cp = await startControlPlane('deploy', { controllers: true });
    admin = cp.kubectl();
    const port = await freePort();

    auditLog = join(cp.dir, 'aggregated-apiserver-audit.log');
    const policy = join(cp.dir, 'aggregated-apiserver-audit-policy.yaml');
    await writeFile(policy, stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] }));
    server = await installAndStart(cp, port, { extraArgs: [`--audit-log-path=${auditLog}`, `--audit-policy-file=${policy}`] });

    for (const ns of ['team-a', 'team-b', 'paging']) await admin.ok(['create', 'namespace', ns]);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await server?.process.stop();
    await cp?.stop();
  });

  describe('aggregation', () => {
    it('reports every APIService Available with "all checks passed"', async () => {
      const conditions = await waitAvailable(admin, API_SERVICES, () => server.process.tail());
      for (const c of conditions) expect(c).toMatchObject({ status: 'True', reason: 'Passed', message: 'all checks passed' });
    });

    it('lists our resources in kubectl api-resources', async () => {
      const out = await eventually(
        'api-resources to list flunders',
        async () => {
          const o = await admin.ok(['api-resources', '--api-group=wardle.example.com', '--no-headers']);
          return /^flunders\s/m.test(o) ? o : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 2000 },
      );
      const rows = out
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/));
      expect(rows).toContainEqual(['flunders', 'fl', 'wardle.example.com/v1beta1', 'true', 'Flunder']);
      expect(rows).toContainEqual(['fischers', 'fi', 'wardle.example.com/v1alpha1', 'false', 'Fischer']);
    });

    it("serves our group in kube-apiserver's aggregated discovery (v2), v1beta1 preferred", async () => {
      const id = await cp.identity('admin', ['system:masters']);
      const group = await eventually(
        'aggregated discovery to include wardle.example.com',
        async () => {
          const res = await cp.request(id, 'GET', '/apis', undefined, { accept: AGGREGATED_DISCOVERY });
          expect(res.status).toBe(200);
          expect(res.headers['content-type']).toMatch(/apidiscovery\.k8s\.io;v=v2/);
          return (res.json.items as any[]).find((g) => g.metadata.name === 'wardle.example.com');
        },
        { timeoutMs: 90_000, intervalMs: 2000 },
      );
      expect(group.versions.map((v: any) => v.version)).toEqual(['v1beta1', 'v1alpha1']);
      const v1alpha1 = group.versions.find((v: any) => v.version === 'v1alpha1');
      const flunders = v1alpha1.resources.find((r: any) => r.resource === 'flunders');
      expect(flunders).toMatchObject({ scope: 'Namespaced', responseKind: { kind: 'Flunder' }, shortNames: ['fl'] });
      expect(flunders.verbs).toEqual(expect.arrayContaining(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']));
      expect(v1alpha1.resources.map((r: any) => r.resource).sort()).toEqual(['fischers', 'flunders']);
    });
  });

  describe('kubectl through kube-apiserver', () => {
    it('creates, applies, patches and labels a Flunder, and gets it with its printer columns', async () => {
      const file = join(cp.dir, 'crud.yaml');
      await writeFile(file, flunder('crud', 'default'));
      expect(await admin.ok(['create', '-f', file])).toMatch(/flunder.wardle.example.com\/crud created/);
      await writeFile(file, flunder('crud', 'default').replace('sample-label: "true"', 'sample-label: "applied"'));
      expect(await admin.ok(['apply', '-f', file])).toMatch(/flunder.wardle.example.com\/crud configured/);
      await admin.ok(['patch', 'flunder', 'crud', '-n', 'default', '--type=merge', '-p', '{"metadata":{"annotations":{"patched":"yes"}}}']);
      await admin.ok(['label', 'flunder', 'crud', '-n', 'default', 'tier=gold']);

      const obj = JSON.parse(await admin.ok(['get', 'flunder', 'crud', '-n', 'default', '-o', 'json']));
      expect(obj.metadata.labels).toEqual({ 'sample-label': 'applied', tier: 'gold' });
      expect(obj.metadata.annotations.patched).toBe('yes');
      // kubectl reads the preferred version, v1beta1, where the sample's reference is flunderReference.
      expect(obj.spec).toEqual({ flunderReference: 'crud-ref', referenceType: 'Flunder' });

      const table = await admin.ok(['get', 'flunders', '-n', 'default']);
      const [header, row] = table
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/));
      expect(header).toEqual(['NAME', 'TYPE', 'AGE']);
      expect(row?.slice(0, 2)).toEqual(['crud', 'Flunder']);
      expect(
        await admin.ok([
          'get',
          'flunders.v1alpha1.wardle.example.com',
          'crud',
          '-n',
          'default',
          '--no-headers',
          '-o',
          'custom-columns=REF:.spec.reference',
        ]),
      ).toBe('crud-ref\n');
    });

    it('streams ADDED, MODIFIED and DELETED to kubectl get -w', async () => {
      const watcher = new OutputWatcher(admin.spawn(['get', 'flunders', '-n', 'team-b', '-w', '--output-watch-events', '--no-headers']));
      try {
        // The watch is open once kubectl has listed (nothing yet): give it a moment before the first write.
        await new Promise((r) => setTimeout(r, 1500));
        const file = join(cp.dir, 'watched.yaml');
        await writeFile(file, flunder('watched', 'team-b'));
        await admin.ok(['create', '-f', file]);
        await watcher.waitFor(/ADDED\s+watched/, 30_000);
        await admin.ok(['label', 'flunder', 'watched', '-n', 'team-b', 'color=blue']);
        await watcher.waitFor(/MODIFIED\s+watched/, 30_000);
        await admin.ok(['delete', 'flunder', 'watched', '-n', 'team-b']);
        await watcher.waitFor(/DELETED\s+watched/, 30_000);
      } finally {
        watcher.child.kill();
      }
    });

    it('pages a list with --chunk-size: limit and continue pass through the aggregator', async () => {
      const docs = Array.from({ length: 7 }, (_, i) => flunder(`chunk-${i}`, 'paging')).join('---\n');
      await admin.ok(['create', '-f', '-'], docs);
      const r = await admin.run(['get', 'flunders', '-n', 'paging', '--chunk-size=2', '-o', 'name', '-v=6']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n').sort()).toEqual(Array.from({ length: 7 }, (_, i) => `flunder.wardle.example.com/chunk-${i}`));
      const requests = r.stderr.split('\n').filter((l) => /GET .*\/flunders\?/.test(l));
      expect(requests.length).toBe(4);
      expect(requests.every((l) => /limit=2/.test(l))).toBe(true);
      expect(requests.filter((l) => /continue=/.test(l))).toHaveLength(3);
    });

    it('deletes, and then answers NotFound', async () => {
      const file = join(cp.dir, 'doomed.yaml');
      await writeFile(file, flunder('doomed', 'default'));
      await admin.ok(['create', '-f', file]);
      expect(await admin.ok(['delete', 'flunder', 'doomed', '-n', 'default'])).toMatch(/flunder.wardle.example.com "doomed" deleted/);
      const r = await admin.run(['get', 'flunder', 'doomed', '-n', 'default']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Error from server \(NotFound\): flunders.wardle.example.com "doomed" not found/);
    });

    it('explains flunders from the OpenAPI that kube-apiserver aggregates from ours', async () => {
      const out = await eventually(
        'kubectl explain to know flunders',
        async () => {
          const r = await admin.run(['explain', 'flunders.spec']);
          if (r.code !== 0) throw new Error(r.stderr);
          return r.stdout;
        },
        { timeoutMs: 120_000, intervalMs: 3000 },
      );
      expect(out).toMatch(/GROUP:\s+wardle.example.com/);
      expect(out).toMatch(/What the Flunder refers to; at most one reference is set\./);
      expect(out).toMatch(/referenceType\s+<string>/);
      const v1alpha1 = await admin.ok(['explain', 'flunders.spec', '--api-version=wardle.example.com/v1alpha1']);
      expect(v1alpha1).toMatch(/reference\s+<string>/);
    }, 150_000);
  });

  describe('authorization through kube-apiserver', () => {
    it('forbids a user with no RBAC', async () => {
      const eve = cp.kubectl(await cp.userKubeconfig('eve'));
      const r = await eve.run(['get', 'flunders', '-n', 'team-a']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /Error from server \(Forbidden\): flunders.wardle.example.com is forbidden: User "eve" cannot list resource "flunders" in API group "wardle.example.com" in the namespace "team-a"/,
      );
    });

    it('lets a Role on flunders in one namespace work there and nowhere else', async () => {
      await admin.ok([
        'create',
        'role',
        'flunder-editor',
        '-n',
        'team-a',
        '--verb=get,list,watch,create,update,patch,delete',
        '--resource=flunders.wardle.example.com',
      ]);
      await admin.ok(['create', 'rolebinding', 'alice-flunders', '-n', 'team-a', '--role=flunder-editor', '--user=alice']);
      const alice = cp.kubectl(await cp.userKubeconfig('alice'));
      const file = join(cp.dir, 'alice.yaml');
      await writeFile(file, flunder('alices', 'team-a'));
      expect(await alice.ok(['create', '-f', file])).toMatch(/flunder.wardle.example.com\/alices created/);
      expect(await alice.ok(['get', 'flunders', '-n', 'team-a', '-o', 'name'])).toBe('flunder.wardle.example.com/alices\n');

      const elsewhere = await alice.run(['get', 'flunders', '-n', 'team-b']);
      expect(elsewhere.code).toBe(1);
      expect(elsewhere.stderr).toMatch(
        /Forbidden.*User "alice" cannot list resource "flunders" in API group "wardle.example.com" in the namespace "team-b"/,
      );
      const fischers = await alice.run(['get', 'fischers']);
      expect(fischers.stderr).toMatch(
        /Forbidden.*User "alice" cannot list resource "fischers" in API group "wardle.example.com" at the cluster scope/,
      );
    });

    it('writes the original user to our audit log, never front-proxy-client', async () => {
      const alice = cp.kubectl(await cp.userKubeconfig('alice'));
      await alice.ok(['get', 'flunder', 'alices', '-n', 'team-a']);
      const events = await eventually(
        'our audit log to show alice',
        async () => {
          const lines = await auditEvents();
          return lines.some((e) => e.user?.username === 'alice' && e.verb === 'get' && e.stage === 'ResponseComplete') ? lines : undefined;
        },
        { timeoutMs: 15_000 },
      );
      const created = events.find((e) => e.user?.username === 'alice' && e.verb === 'create' && e.stage === 'ResponseComplete');
      expect(created).toMatchObject({
        objectRef: { resource: 'flunders', namespace: 'team-a', name: 'alices', apiGroup: 'wardle.example.com' },
        responseStatus: { code: 201 },
      });
      expect(created.user.groups).toEqual(expect.arrayContaining(['system:authenticated']));
      // The aggregator's availability probe says who it is too.
      expect(events.some((e) => e.user?.username === 'system:kube-aggregator')).toBe(true);
      expect(events.filter((e) => e.user?.username === FRONT_PROXY_CLIENT)).toEqual([]);
    });
  });

  describe('kube-controller-manager, which reaches us through discovery', () => {
    it('aggregates our ClusterRoles into edit and view: a RoleBinding to edit is all a namespace needs', async () => {
      await admin.ok(['create', 'namespace', 'team-d']);
      await admin.ok(['create', 'rolebinding', 'erin-edit', '-n', 'team-d', '--clusterrole=edit', '--user=erin']);
      await admin.ok(['create', 'rolebinding', 'frank-view', '-n', 'team-d', '--clusterrole=view', '--user=frank']);
      const erin = cp.kubectl(await cp.userKubeconfig('erin'));
      const frank = cp.kubectl(await cp.userKubeconfig('frank'));
      await eventually(
        'edit to cover flunders',
        async () => {
          const r = await erin.run(['create', '-f', '-'], flunder('erins', 'team-d'));
          if (r.code !== 0) throw new Error(r.stderr);
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      );
      await eventually(
        'view to cover flunders',
        async () => {
          const r = await frank.run(['get', 'flunders', '-n', 'team-d', '-o', 'name']);
          if (r.code !== 0) throw new Error(r.stderr);
          return r.stdout === 'flunder.wardle.example.com/erins\n' ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      );
      expect((await frank.run(['delete', 'flunder', 'erins', '-n', 'team-d'])).stderr).toMatch(
        /Forbidden.*User "frank" cannot delete resource "flunders"/,
      );
    }, 150_000);

    it('refuses Flunders in a namespace that does not exist (404) or is being deleted (403), as NamespaceLifecycle does', async () => {
      const missing = await admin.run(['create', '-f', '-'], flunder('nowhere', 'no-such-ns'));
      expect(missing.stderr).toMatch(/Error from server \(NotFound\).*namespaces "no-such-ns" not found/);
      // A Flunder with a finalizer keeps the namespace Terminating while we try to create in it.
      await admin.ok(['create', 'namespace', 'closing']);
      await admin.ok(
        ['create', '-f', '-'],
        flunder('held', 'closing').replace('  namespace: closing\n', '  namespace: closing\n  finalizers: [example.com/hold]\n'),
      );
      await admin.ok(['delete', 'namespace', 'closing', '--wait=false']);
      await eventually(
        'namespace closing to be Terminating',
        async () =>
          (await admin.run(['get', 'namespace', 'closing', '-o', 'jsonpath={.status.phase}'])).stdout === 'Terminating' ? true : undefined,
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const refused = await admin.run(['create', '-f', '-'], flunder('late', 'closing'));
      expect(refused.stderr).toMatch(
        /Error from server \(Forbidden\).*flunders.wardle.example.com "late" is forbidden: unable to create new content in namespace closing because it is being terminated/,
      );
      await admin.ok(['patch', 'flunder', 'held', '-n', 'closing', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
      await eventually(
        'namespace closing to go',
        async () => ((await admin.run(['get', 'namespace', 'closing'])).stderr.includes('NotFound') ? true : undefined),
        {
          timeoutMs: 90_000,
          intervalMs: 1000,
        },
      );
    }, 150_000);

    it('deletes a namespace with Flunders in it: the namespace controller empties it through us', async () => {
      await admin.ok(['create', 'namespace', 'doomed']);
      await admin.ok(['create', '-f', '-'], Array.from({ length: 3 }, (_, i) => flunder(`doomed-${i}`, 'doomed')).join('---\n'));
      const r = await admin.run(['delete', 'namespace', 'doomed', '--timeout=90s']);
      expect(
        r.code,
        `${r.stderr}\n${await admin.run(['get', 'namespace', 'doomed', '-o', 'jsonpath={.status}']).then((x) => x.stdout)}`,
      ).toBe(0);
      expect((await admin.run(['get', 'namespace', 'doomed'])).stderr).toMatch(/NotFound/);
      const id = await cp.identity('admin', ['system:masters']);
      const left = await cp.request(id, 'GET', '/apis/wardle.example.com/v1alpha1/namespaces/doomed/flunders');
      expect(left.json.items).toEqual([]);
      // With its own ServiceAccount, authorized by SubjectAccessReview like anyone.
      const events = await auditEvents();
      expect(events).toContainEqual(
        expect.objectContaining({
          stage: 'ResponseComplete',
          verb: 'deletecollection',
          user: expect.objectContaining({ username: 'system:serviceaccount:kube-system:namespace-controller' }),
          objectRef: expect.objectContaining({ resource: 'flunders', namespace: 'doomed' }),
          responseStatus: expect.objectContaining({ code: 200 }),
        }),
      );
    }, 120_000);

    it('garbage-collects a Flunder whose owner is deleted, and a dependent whose owner is a Flunder', async () => {
      await admin.ok(['create', 'namespace', 'team-gc']);
      await admin.ok(['create', 'configmap', 'owner', '-n', 'team-gc']);
      const ownerUid = (await admin.ok(['get', 'configmap', 'owner', '-n', 'team-gc', '-o', 'jsonpath={.metadata.uid}'])).trim();
      await admin.ok(
        ['create', '-f', '-'],
        flunder('owned', 'team-gc').replace(
          '  labels:',
          `  ownerReferences:\n    - {apiVersion: v1, kind: ConfigMap, name: owner, uid: ${ownerUid}}\n  labels:`,
        ),
      );
      await admin.ok(['create', '-f', '-'], flunder('parent', 'team-gc'));
      const parentUid = (await admin.ok(['get', 'flunder', 'parent', '-n', 'team-gc', '-o', 'jsonpath={.metadata.uid}'])).trim();
      await admin.ok(
        ['create', '-f', '-'],
        `apiVersion: v1
kind: ConfigMap
metadata:
  name: child
  namespace: team-gc
  ownerReferences:
    - {apiVersion: wardle.example.com/v1beta1, kind: Flunder, name: parent, uid: ${parentUid}}
`,
      );
      await admin.ok(['delete', 'configmap', 'owner', '-n', 'team-gc']);
      await admin.ok(['delete', 'flunder', 'parent', '-n', 'team-gc']);
      // The garbage collector finds our resources by discovery, every 30 s, and then watches them.
      await eventually(
        'the garbage collector to delete both dependents',
        async () => {
          const owned = await admin.run(['get', 'flunder', 'owned', '-n', 'team-gc']);
          const child = await admin.run(['get', 'configmap', 'child', '-n', 'team-gc']);
          return owned.code !== 0 && child.code !== 0 ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 2000, describe: () => cp.logTail() },
      );
    }, 150_000);

    const childOf = (name: string, parentUid: string, block = false): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  namespace: team-gc
  ownerReferences:
    - {apiVersion: wardle.example.com/v1beta1, kind: Flunder, name: ${name}-parent, uid: ${parentUid}${block ? ', blockOwnerDeletion: true' : ''}}
`;

    it('keeps the dependents of kubectl delete --cascade=orphan, without their owner reference', async () => {
      await admin.ok(['create', '-f', '-'], flunder('kept-parent', 'team-gc'));
      const uid = (await admin.ok(['get', 'flunder', 'kept-parent', '-n', 'team-gc', '-o', 'jsonpath={.metadata.uid}'])).trim();
      await admin.ok(['create', '-f', '-'], childOf('kept', uid));
      // kubectl waits until the garbage collector has orphaned the child and removed the orphan finalizer.
      await admin.ok(['delete', 'flunder', 'kept-parent', '-n', 'team-gc', '--cascade=orphan', '--timeout=120s']);
      expect((await admin.run(['get', 'flunder', 'kept-parent', '-n', 'team-gc'])).stderr).toMatch(/NotFound/);
      await eventually(
        'the orphaned child to lose its owner reference',
        async () => {
          const refs = await admin.ok(['get', 'configmap', 'kept', '-n', 'team-gc', '-o', 'jsonpath={.metadata.ownerReferences}']);
          return refs.trim() === '' ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1000 },
      );
      // Still there after the collector had every chance to delete it.
      await new Promise((r) => setTimeout(r, 3000));
      expect((await admin.run(['get', 'configmap', 'kept', '-n', 'team-gc'])).code).toBe(0);
    }, 150_000);

    it('deletes the blocking dependents first with kubectl delete --cascade=foreground', async () => {
      await admin.ok(['create', '-f', '-'], flunder('first-parent', 'team-gc'));
      const uid = (await admin.ok(['get', 'flunder', 'first-parent', '-n', 'team-gc', '-o', 'jsonpath={.metadata.uid}'])).trim();
      await admin.ok(['create', '-f', '-'], childOf('first', uid, true));
      // A finalizer of our own holds the child, so the parent must wait for it.
      await admin.ok([
        'patch',
        'configmap',
        'first',
        '-n',
        'team-gc',
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":["example.com/hold"]}}',
      ]);
      await admin.ok(['delete', 'flunder', 'first-parent', '-n', 'team-gc', '--cascade=foreground', '--wait=false']);
      await eventually(
        'the collector to start deleting the child',
        async () => {
          const ts = await admin.ok(['get', 'configmap', 'first', '-n', 'team-gc', '-o', 'jsonpath={.metadata.deletionTimestamp}']);
          return ts.trim() !== '' ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1000, describe: () => cp.logTail() },
      );
      const waiting = JSON.parse(await admin.ok(['get', 'flunder', 'first-parent', '-n', 'team-gc', '-o', 'json']));
      expect(waiting.metadata.finalizers).toContain('foregroundDeletion');
      expect(waiting.metadata.deletionTimestamp).toBeTruthy();
      await admin.ok(['patch', 'configmap', 'first', '-n', 'team-gc', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
      await eventually(
        'the parent to go once its child is gone',
        async () => {
          const r = await admin.run(['get', 'flunder', 'first-parent', '-n', 'team-gc']);
          return r.code !== 0 ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1000, describe: () => cp.logTail() },
      );
      expect((await admin.run(['get', 'configmap', 'first', '-n', 'team-gc'])).stderr).toMatch(/NotFound/);
    }, 150_000);
  });

  describe("the cluster's admission: ValidatingAdmissionPolicies and webhooks created in kube-apiserver", () => {
    const BAN_FLUNDER = join(import.meta.dirname, '..', '..', 'deploy', 'policies', 'ban-flunder.yaml');
    // A namespace of these tests' own: the tests after them count what team-a holds.
    beforeAll(async () => {
      await admin.ok(['create', 'namespace', 'policed']);
    });
    /** Creates the object, retrying while our informers have not yet seen the configuration just created. */
    const createUntil = async (what: string, yaml: string, done: (r: KubectlResult) => boolean): Promise<KubectlResult> =>
      eventually(
        what,
        async () => {
          const r = await admin.run(['create', '-f', '-'], yaml);
          if (done(r)) return r;
          if (r.code === 0) await admin.ok(['delete', '-f', '-', '--wait=false'], yaml);
          return undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );

    it("refuses a Flunder a Fischer bans: the sample-apiserver's BanFlunder, shipped as a ValidatingAdmissionPolicy", async () => {
      await admin.ok(['apply', '-f', BAN_FLUNDER]);
      await admin.ok(
        ['create', '-f', '-'],
        'apiVersion: wardle.example.com/v1alpha1\nkind: Fischer\nmetadata:\n  name: bans\ndisallowedFlunders: [forbidden-name]\n',
      );
      const refused = await createUntil('the policy to refuse', flunder('forbidden-name', 'policed'), (r) => r.code !== 0);
      expect(refused.stderr).toMatch(
        /Error from server \(Forbidden\).*flunders.wardle.example.com "forbidden-name" is forbidden: ValidatingAdmissionPolicy 'ban-flunder' with binding 'ban-flunder' denied request: this name may not be used, please change the resource name/,
      );
      expect(await admin.ok(['create', '-f', '-'], flunder('allowed-name', 'policed'))).toMatch(/created/);
      await admin.ok(['delete', '-f', BAN_FLUNDER]);
    }, 60_000);

    it('gives kubectl the warning of a policy bound with validationActions Warn, and creates the object', async () => {
      const policy = stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'owner-wanted' },
        spec: {
          matchConstraints: {
            resourceRules: [{ apiGroups: ['wardle.example.com'], apiVersions: ['*'], operations: ['CREATE'], resources: ['flunders'] }],
          },
          validations: [
            {
              expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels",
              message: 'every Flunder should name an owner',
            },
          ],
        },
      });
      const binding = stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'owner-wanted' },
        spec: { policyName: 'owner-wanted', validationActions: ['Warn'] },
      });
      await admin.ok(['apply', '-f', '-'], `${policy}---\n${binding}`);
      const warned = await createUntil('the policy to warn', flunder('unowned', 'policed'), (r) => r.stderr.includes('Warning'));
      expect(warned.code).toBe(0);
      expect(warned.stderr).toMatch(
        /Warning: Validation failed for ValidatingAdmissionPolicy 'owner-wanted' with binding 'owner-wanted': every Flunder should name an owner/,
      );
      await admin.ok(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', 'owner-wanted']);
    }, 60_000);

    it('applies a MutatingAdmissionPolicy created in kube-apiserver: ApplyConfiguration labels a Flunder kubectl creates', async () => {
      const policy = stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingAdmissionPolicy',
        metadata: { name: 'label-owner' },
        spec: {
          matchConstraints: {
            resourceRules: [{ apiGroups: ['wardle.example.com'], apiVersions: ['*'], operations: ['CREATE'], resources: ['flunders'] }],
          },
          matchConditions: [{ name: 'unowned', expression: "!has(object.metadata.labels) || !('owner' in object.metadata.labels)" }],
          failurePolicy: 'Fail',
          reinvocationPolicy: 'Never',
          mutations: [
            {
              patchType: 'ApplyConfiguration',
              applyConfiguration: { expression: "Object{metadata: Object.metadata{labels: {'owner': request.userInfo.username}}}" },
            },
          ],
        },
      });
      const binding = stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingAdmissionPolicyBinding',
        metadata: { name: 'label-owner' },
        spec: {
          policyName: 'label-owner',
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'policed' } } },
        },
      });
      await admin.ok(['apply', '-f', '-'], `${policy}---\n${binding}`);
      // Created again until our informers have seen the policy.
      await admin.ok(['create', '-f', '-'], flunder('owned', 'policed'));
      const labelled = await eventually(
        'the policy to have labelled a Flunder',
        async () => {
          const got = JSON.parse(await admin.ok(['get', 'flunder', 'owned', '-n', 'policed', '-o', 'json']));
          if (got.metadata.labels?.owner) return got;
          await admin.ok(['delete', 'flunder', 'owned', '-n', 'policed']);
          await admin.ok(['create', '-f', '-'], flunder('owned', 'policed'));
          return undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(labelled.metadata.labels).toEqual({ 'sample-label': 'true', owner: 'admin' });
      await admin.ok(['delete', 'mutatingadmissionpolicybinding,mutatingadmissionpolicy', 'label-owner']);
    }, 60_000);

    it('calls webhooks registered in kube-apiserver: the mutating one labels, the validating one denies; failurePolicy decides when it is down', async () => {
      const hook = await startWebhookServer();
      hook.handle('/validate', (r: any) =>
        r.object?.metadata?.labels?.deny === 'true'
          ? { allowed: false, status: { code: 403, message: `${r.name} is labelled deny` }, warnings: ['the test webhook looked at this'] }
          : { allowed: true },
      );
      const addLabel = [{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }];
      hook.handle('/mutate', () => ({
        allowed: true,
        patchType: 'JSONPatch',
        patch: Buffer.from(JSON.stringify(addLabel)).toString('base64'),
      }));
      try {
        await admin.ok(['create', 'namespace', 'hooked']);
        await admin.ok(['label', 'namespace', 'hooked', 'webhooks=enabled']);
        const webhook = (name: string, path: string, failurePolicy: string) => ({
          name,
          clientConfig: { url: hook.url(path), caBundle: hook.caBundle },
          rules: [{ apiGroups: ['wardle.example.com'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['flunders'] }],
          namespaceSelector: { matchLabels: { webhooks: 'enabled' } },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          failurePolicy,
          timeoutSeconds: 5,
        });
        const validating = (failurePolicy: string) =>
          stringify({
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'ValidatingWebhookConfiguration',
            metadata: { name: 'test-validate' },
            webhooks: [webhook('deny.test.example.com', '/validate', failurePolicy)],
          });
        await admin.ok(
          ['apply', '-f', '-'],
          `${validating('Fail')}---\n${stringify({
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'MutatingWebhookConfiguration',
            metadata: { name: 'test-mutate' },
            webhooks: [{ ...webhook('label.test.example.com', '/mutate', 'Ignore'), reinvocationPolicy: 'Never' }],
          })}`,
        );

        await createUntil(
          'the mutating webhook to be called',
          flunder('plain', 'hooked'),
          (r) => r.code === 0 && hook.received('/mutate').length > 0,
        );
        const plain = JSON.parse(await admin.ok(['get', 'flunder', 'plain', '-n', 'hooked', '-o', 'json']));
        expect(plain.metadata.labels).toEqual({ 'sample-label': 'true', mutated: 'yes' });
        const sent: any = hook.received('/validate').find((r) => r.name === 'plain');
        expect(sent).toMatchObject({
          kind: { group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' },
          resource: { group: 'wardle.example.com', version: 'v1alpha1', resource: 'flunders' },
          namespace: 'hooked',
          operation: 'CREATE',
          dryRun: false,
          // The validating webhook sees the mutating one's label; the user is the one kubectl authenticated as.
          object: { metadata: { labels: { mutated: 'yes' } } },
          options: { kind: 'CreateOptions' },
        });
        expect(sent.userInfo.username).toBe('admin');
        // What the mutating webhook did is in our audit log, as kube-apiserver's admission annotates its events.
        // The last create of it (the first ones may have come before our informers saw the webhooks), once written.
        const created = await eventually(
          'our audit log to show the create',
          async () =>
            (await auditEvents()).findLast(
              (e) =>
                e.stage === 'ResponseComplete' &&
                e.verb === 'create' &&
                e.objectRef?.name === 'plain' &&
                e.objectRef?.namespace === 'hooked',
            ),
          { timeoutMs: 15_000 },
        );
        expect(JSON.parse(created?.annotations?.['mutation.webhook.admission.k8s.io/round_0_index_0'] ?? '{}')).toEqual({
          configuration: 'test-mutate',
          webhook: 'label.test.example.com',
          mutated: true,
        });

        const denied = await admin.run(['create', '-f', '-'], flunder('bad', 'hooked').replace('sample-label: "true"', 'deny: "true"'));
        // The webhook's Status has no reason, so kubectl prints none, as for any webhook's denial.
        expect(denied.stderr).toMatch(
          /Error from server: .*admission webhook "deny.test.example.com" denied the request: bad is labelled deny/,
        );
        expect(denied.stderr).toMatch(/Warning: the test webhook looked at this/);
        expect((await admin.run(['get', 'flunder', 'bad', '-n', 'hooked'])).stderr).toMatch(/NotFound/);

        await hook.close();
        const down = await admin.run(['create', '-f', '-'], flunder('while-down', 'hooked'));
        expect(down.code).not.toBe(0);
        expect(down.stderr).toMatch(/failed calling webhook "deny.test.example.com"/);
        await admin.ok(['apply', '-f', '-'], validating('Ignore'));
        const admitted = await createUntil('failurePolicy Ignore to admit', flunder('while-down', 'hooked'), (r) => r.code === 0);
        expect(admitted.stdout).toMatch(/created/);
      } finally {
        await hook.close();
        await admin.run(['delete', 'validatingwebhookconfiguration', 'test-validate']);
        await admin.run(['delete', 'mutatingwebhookconfiguration', 'test-mutate']);
      }
    }, 120_000);
  });

  describe('requests that do not come through the aggregator', () => {
    const path = '/apis/wardle.example.com/v1alpha1/namespaces/team-a/flunders';
    const forged = { 'x-remote-user': 'admin', 'x-remote-group': 'system:masters' };
    const direct = (id: Partial<ClientIdentity>, method = 'GET', body?: unknown) =>
      call(server.url, { ...server.serverTrust, ...id }, method, path, body, forged);

    it('refuses forged X-Remote-* headers without a front-proxy certificate: they are never believed', async () => {
      const read = await direct({});
      expect(read.status).toBe(403);
      expect(read.json.message).toMatch(/User "system:anonymous" cannot list resource "flunders"/);
      const write = await direct({}, 'POST', {
        apiVersion: 'wardle.example.com/v1alpha1',
        kind: 'Flunder',
        metadata: { name: 'forged' },
        spec: {},
      });
      expect(write.status).toBe(403);
      expect((await admin.run(['get', 'flunder', 'forged', '-n', 'team-a'])).code).toBe(1);
    });

    it("takes a client certificate of the cluster CA as its own user, not the headers' user", async () => {
      const mallory = await cp.identity('mallory');
      const res = await direct({ cert: mallory.cert, key: mallory.key });
      expect(res.status).toBe(403);
      expect(res.json.message).toMatch(/User "mallory" cannot list resource "flunders"/);
    });

    it('refuses front-proxy CA certificates with a name not allowed, and look-alikes from another CA', async () => {
      const wrongName = await createCertificate(cp.pki.frontProxyCA, { commonName: 'not-front-proxy' });
      expect((await direct({ cert: wrongName.cert, key: wrongName.key })).status).toBe(401);
      const otherCA = await createCA({ commonName: 'front-proxy-ca' });
      const lookAlike = await createCertificate(otherCA, { commonName: FRONT_PROXY_CLIENT });
      expect((await direct({ cert: lookAlike.cert, key: lookAlike.key })).status).toBe(401);
    });

    it("believes the headers with the aggregator's own front-proxy certificate (the control)", async () => {
      const res = await call(server.url, { ...server.serverTrust, ...(await cp.frontProxyClient()) }, 'GET', path, undefined, {
        'x-remote-user': 'alice',
      });
      expect(res.status).toBe(200);
      expect(res.json.items.map((i: any) => i.metadata.name)).toEqual(['alices']);
    });
  });

  describe('the bindings operators most often miss', () => {
    const startAs = async (serviceAccount: string, waitReady: boolean): Promise<ExtensionServer> => {
      await admin.ok(['create', 'serviceaccount', serviceAccount, '-n', NAMESPACE]);
      return startFromWorkload({
        controlPlane: cp,
        namespace: NAMESPACE,
        workload: `statefulset/${DEPLOY_STATEFULSET}`,
        port: await freePort(),
        dir: join(cp.dir, serviceAccount),
        serviceAccount,
        waitReady,
      });
    };

    it('without extension-apiserver-authentication-reader, refuses to start and says which binding fixes it', async () => {
      const unbound = await startAs('no-bindings', false);
      expect(await unbound.process.exit(60_000)).not.toBe(0);
      const log = unbound.process.tail();
      expect(log).toMatch(
        /unable to load configmap based request-header-client-ca-file: configmaps "extension-apiserver-authentication" is forbidden: User "system:serviceaccount:aggregated-apiserver:no-bindings" cannot get resource "configmaps"/,
      );
      expect(log).toMatch(
        /kubectl create rolebinding -n kube-system ROLEBINDING_NAME --role=extension-apiserver-authentication-reader --serviceaccount=YOUR_NS:YOUR_SA/,
      );
    });

    it('without system:auth-delegator, answers 500 naming the missing binding, and allows nothing', async () => {
      await admin.ok([
        'create',
        'rolebinding',
        'no-delegator-auth-reader',
        '-n',
        'kube-system',
        '--role=extension-apiserver-authentication-reader',
        `--serviceaccount=${NAMESPACE}:no-delegator`,
      ]);
      const half = await startAs('no-delegator', true);
      try {
        const res = await call(
          half.url,
          { ...half.serverTrust, ...(await cp.frontProxyClient()) },
          'GET',
          '/apis/wardle.example.com/v1alpha1/namespaces/team-a/flunders',
          undefined,
          { 'x-remote-user': 'alice' },
        );
        expect(res.status).toBe(500);
        expect(res.json.message).toMatch(
          /subjectaccessreviews.authorization.k8s.io is forbidden: User "system:serviceaccount:aggregated-apiserver:no-delegator" cannot create resource "subjectaccessreviews"/,
        );
        expect(res.json.message).toMatch(/--clusterrole=system:auth-delegator/);
      } finally {
        await half.process.stop();
      }
    });
  });

  describe('trust rotation', () => {
    it('picks up a new front-proxy CA from the ConfigMap without a restart', async () => {
      const pid = server.process.child.pid;
      const f = cp.pki.files;
      const newCA = await createCA({ commonName: 'front-proxy-ca-2' });
      const newClient = await createCertificate(newCA, { commonName: FRONT_PROXY_CLIENT });
      const withNewClient = (): Promise<{ status: number }> =>
        call(
          server.url,
          { ...server.serverTrust, cert: newClient.cert, key: newClient.key },
          'GET',
          '/apis/wardle.example.com/v1alpha1/namespaces/team-a/flunders',
          undefined,
          { 'x-remote-user': 'alice' },
        );
      // Before the rotation, the new CA's certificate is nobody's front proxy.
      expect((await withNewClient()).status).toBe(401);

      // As an operator rotates it: the new CA, then the proxy client certificate it signed; kube-apiserver
      // reloads both files and republishes the CA in kube-system/extension-apiserver-authentication.
      await writeFile(f.frontProxyCACert, newCA.cert);
      await writeFile(f.proxyClientKey, newClient.key);
      await writeFile(f.proxyClientCert, newClient.cert);

      const normalize = (pem: string): string => pem.replace(/\s/g, '');
      await eventually(
        'the ConfigMap to carry the new front-proxy CA',
        async () => {
          const bundle = await admin.ok([
            'get',
            'configmap',
            'extension-apiserver-authentication',
            '-n',
            'kube-system',
            '-o',
            'jsonpath={.data.requestheader-client-ca-file}',
          ]);
          return normalize(bundle).includes(normalize(newCA.cert)) ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 2000, describe: () => cp.logTail() },
      );

      await eventually(
        'our server to accept the new front-proxy certificate',
        async () => ((await withNewClient()).status === 200 ? true : undefined),
        { timeoutMs: 90_000, intervalMs: 1000, describe: () => server.process.tail() },
      );

      const alice = cp.kubectl(await cp.userKubeconfig('alice'));
      await eventually(
        'kubectl through the aggregator after the rotation',
        async () => {
          const r = await alice.run(['get', 'flunders', '-n', 'team-a', '-o', 'name']);
          return r.code === 0 && r.stdout === 'flunder.wardle.example.com/alices\n' ? true : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 2000 },
      );
      expect(server.process.alive).toBe(true);
      expect(server.process.child.pid).toBe(pid);
    }, 300_000);
  });
});
