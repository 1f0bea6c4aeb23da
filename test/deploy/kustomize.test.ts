/** deploy/: `kubectl kustomize` output with an operator-made serving certificate, as the README describes. */
import { X509Certificate } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertServerInvariants, serverContainer } from './invariants.js';
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
beforeAll(async () => {
  objs = await renderDeploy();
});

describe('kubectl kustomize deploy', () => {
  it('renders objects valid for their kinds', () => {
    expect(objs.map((o) => o.kind).sort()).toEqual([
      'APIService',
      'APIService',
      'ClusterRole',
      'ClusterRole',
      'ClusterRoleBinding',
      'Namespace',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'RoleBinding',
      'Secret',
      'Service',
      'ServiceAccount',
      'StatefulSet',
    ]);
    for (const o of objs) validateObject(withoutBase64Wrapping(o));
  });

  it('keeps the invariants every install needs', () => {
    assertServerInvariants(objs, [
      { group: 'wardle.example.com', version: 'v1alpha1' },
      { group: 'wardle.example.com', version: 'v1beta1' },
    ]);
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
    const { workload: sts } = serverContainer(objs);
    expect(sts.kind).toBe('StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.volumeClaimTemplates).toEqual([
      expect.objectContaining({ spec: expect.objectContaining({ accessModes: ['ReadWriteOnce'] }) }),
    ]);
  });
});

describe('the serving certificate belongs to the operator', () => {
  it('fails to build, naming the missing file, until tls/ holds the certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deploy-'));
    try {
      await cp(deployDir, dir, { recursive: true, filter: (src) => !/\.(crt|key)$/.test(src) });
      const r = await exec('kubectl', ['kustomize', dir]);
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
  });
});
