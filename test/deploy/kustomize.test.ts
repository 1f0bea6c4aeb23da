/**
 * deploy/ and its HA variant deploy/ha: `kubectl kustomize` output with an operator-made serving
 * certificate, as the README describes.
 */
import { X509Certificate } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertServerInvariants, flags, serverContainer } from './invariants.js';
import { byKind, deployDir, exec, one, renderDeploy, repoRoot, validateObject, type Obj } from './manifests.js';

/**
 * kustomize wraps long base64 values over several lines; the API server accepts that (Go's base64
 * decoder skips newlines) but the schema's "byte" format does not, so unwrap before validating.
 */
function withoutBase64Wrapping(o: Obj): Obj {
  const unwrap = (v: unknown): string => String(v).replace(/\s/g, '');
  if (o.kind === 'Secret') return { ...o, data: Object.fromEntries(Object.entries(o.data as Obj).map(([k, v]) => [k, unwrap(v)])) };
  if (o.kind === 'APIService') return { ...o, spec: { ...o.spec, caBundle: unwrap(o.spec.caBundle) } };
  return o;
}

let objs: Obj[];
let ha: Obj[];
beforeAll(async () => {
  [objs, ha] = await Promise.all([renderDeploy(), renderDeploy('ha')]);
});

const kinds = (workload: string): string[] =>
  [
    'APIService',
    'APIService',
    'ClusterRole',
    'ClusterRole',
    'ClusterRole',
    'ClusterRoleBinding',
    'ClusterRoleBinding',
    'Namespace',
    'NetworkPolicy',
    'PodDisruptionBudget',
    'RoleBinding',
    'Secret',
    'Service',
    'ServiceAccount',
    workload,
  ].sort();
const wardle = [
  { group: 'wardle.example.com', version: 'v1alpha1' },
  { group: 'wardle.example.com', version: 'v1beta1' },
];

describe('kubectl kustomize deploy', () => {
  it('renders objects valid for their kinds', () => {
    expect(objs.map((o) => o.kind).sort()).toEqual(kinds('StatefulSet'));
    for (const o of objs) validateObject(withoutBase64Wrapping(o));
  });

  it('keeps the invariants every install needs', () => {
    assertServerInvariants(objs, wardle);
  });

  it('mounts the generated serving-cert Secret and puts its CA in every caBundle', () => {
    const secret = one(objs, 'Secret');
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.metadata.namespace).toBe('aggregated-apiserver');
    const { pod } = serverContainer(objs);
    expect(pod.volumes.find((v: Obj) => v.name === 'serving-cert').secret.secretName).toBe(secret.metadata.name);
    const pem = (key: string): string => Buffer.from(String(secret.data[key]).replace(/\s/g, ''), 'base64').toString();
    const ca = new X509Certificate(pem('ca.crt'));
    const cert = new X509Certificate(pem('tls.crt'));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('aggregated-apiserver.aggregated-apiserver.svc')).toBeDefined();
    for (const a of byKind(objs, 'APIService')) {
      expect(Buffer.from(String(a.spec.caBundle).replace(/\s/g, ''), 'base64').toString()).toBe(ca.toString());
    }
  });

  it('runs in a namespace that enforces the restricted Pod Security Standard', () => {
    const ns = one(objs, 'Namespace');
    expect(ns.metadata.name).toBe(serverContainer(objs).workload.metadata.namespace);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('one replica with LevelDB on a ReadWriteOnce claim', () => {
    const { workload: sts, container } = serverContainer(objs);
    expect(sts.kind).toBe('StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(flags(container).flags.get('--storage-backend')).toEqual(['leveldb']);
    expect(sts.spec.volumeClaimTemplates).toEqual([
      expect.objectContaining({ spec: expect.objectContaining({ accessModes: ['ReadWriteOnce'] }) }),
    ]);
  });
});

describe('kubectl kustomize deploy/ha', () => {
  it('renders objects valid for their kinds: deploy/ with a Deployment instead of the StatefulSet', () => {
    expect(ha.map((o) => o.kind).sort()).toEqual(kinds('Deployment'));
    for (const o of ha) validateObject(withoutBase64Wrapping(o));
  });

  it('keeps the invariants every install needs', () => {
    assertServerInvariants(ha, wardle);
  });

  it('shares everything else with deploy/, the serving certificate included', () => {
    // Each render makes its own certificate: compare the Secret by name prefix and type, without caBundles.
    const rest = (all: Obj[]): Obj[] =>
      all
        .filter((o) => o.kind !== 'StatefulSet' && o.kind !== 'Deployment')
        .map((o) => {
          if (o.kind === 'Secret') return { kind: o.kind, name: o.metadata.name.replace(/-[a-z0-9]+$/, ''), type: o.type };
          if (o.kind === 'APIService') return { ...o, spec: { ...o.spec, caBundle: undefined } };
          return o;
        });
    expect(rest(ha)).toEqual(rest(objs));
    const { pod } = serverContainer(ha);
    expect(pod.volumes.find((v: Obj) => v.name === 'serving-cert').secret.secretName).toBe(one(ha, 'Secret').metadata.name);
  });

  it('three replicas sharing etcd, no claim and no --data-dir, the client certificate from aggregated-apiserver-etcd-client', () => {
    const { workload, pod, container } = serverContainer(ha);
    expect(workload.spec.replicas).toBe(3);
    expect(workload.spec.volumeClaimTemplates).toBeUndefined();
    const f = flags(container).flags;
    expect(f.get('--storage-backend')).toEqual(['etcd3']);
    expect(f.has('--data-dir')).toBe(false);
    expect(f.get('--etcd-servers')?.[0]?.split(',')).toHaveLength(3);
    expect(f.get('--etcd-prefix')).toEqual(['/registry']);
    expect(f.get('--etcd-compaction-interval')).toEqual(['5m']);
    const dir = container.volumeMounts.find((m: Obj) => m.name === 'etcd-client').mountPath;
    expect(['--etcd-cafile', '--etcd-certfile', '--etcd-keyfile'].map((k) => f.get(k))).toEqual([
      [`${dir}/ca.crt`],
      [`${dir}/tls.crt`],
      [`${dir}/tls.key`],
    ]);
    expect(pod.volumes.find((v: Obj) => v.name === 'etcd-client').secret).toEqual({ secretName: 'aggregated-apiserver-etcd-client' });
    // The operator makes that Secret: kustomize neither generates it nor renames it.
    expect(byKind(ha, 'Secret').map((s) => s.metadata.name)).not.toContain('aggregated-apiserver-etcd-client');
  });
});

describe('the serving certificate belongs to the operator', () => {
  it.each(['', 'ha'])('deploy/%s fails to build, naming the missing file, until tls/ holds the certificate', async (variant) => {
    const dir = await mkdtemp(join(tmpdir(), 'deploy-'));
    try {
      await cp(deployDir, dir, { recursive: true, filter: (src) => !/\.(crt|key)$/.test(src) });
      const r = await exec('kubectl', ['kustomize', join(dir, variant)]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/tls\/tls\.(crt|key)|tls\/ca\.crt/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('git ignores keys and certificates put in deploy/tls', async () => {
    const files = ['tls.crt', 'tls.key', 'ca.crt', 'ca.key'].map((f) => `deploy/tls/${f}`);
    const r = await exec('git', ['check-ignore', ...files], { cwd: repoRoot });
    expect(r.stdout.trim().split('\n')).toEqual(files);
    // ... but not the kustomization that turns them into the Secret.
    expect((await exec('git', ['check-ignore', 'deploy/tls/kustomization.yaml'], { cwd: repoRoot })).code).toBe(1);
  });
});
