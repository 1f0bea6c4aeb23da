/** The Helm chart, linted and rendered by a real helm for the default values and each ci/*.yaml. */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureHelm } from '../tools/helm.js';
import { assertServerInvariants, flags, serverContainer } from './invariants.js';
import { byKind, chartDir, exec, execOk, one, renderChart, validateObject, type Obj } from './manifests.js';

const ciFiles = readdirSync(join(chartDir, 'ci'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => `ci/${f}`);
const wardle = [
  { group: 'wardle.example.com', version: 'v1alpha1' },
  { group: 'wardle.example.com', version: 'v1beta1' },
];
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString();

let helm: string;
// The first run builds helm from source (about a minute with a warm Go cache); later runs reuse it.
beforeAll(async () => {
  helm = await ensureHelm();
}, 15 * 60_000);

describe('helm lint and template', () => {
  it('finds the ci values files', () => {
    expect(ciFiles).toEqual(
      expect.arrayContaining(['ci/tls-helm-values.yaml', 'ci/tls-certManager-values.yaml', 'ci/tls-existingSecret-values.yaml']),
    );
  });

  for (const values of [undefined, ...ciFiles]) {
    it(`lints --strict and renders valid objects with ${values ?? 'default values'}`, async () => {
      await execOk(helm, ['lint', '--strict', chartDir, ...(values ? ['--values', join(chartDir, values)] : [])]);
      const objs = await renderChart(helm, values ? [values] : []);
      for (const o of objs) validateObject(o);
      const served = values === 'ci/api-definitions-values.yaml' ? [{ group: 'example.org', version: 'v1' }] : wardle;
      assertServerInvariants(objs, served);
    });
  }
});

describe('serving certificate', () => {
  it('tls.type=helm: a CA-signed certificate for <service>.<namespace>.svc, its CA in every caBundle', async () => {
    const objs = await renderChart(helm);
    const { pod } = serverContainer(objs);
    const secret = one(objs, 'Secret');
    expect(pod.volumes.find((v: Obj) => v.name === 'serving-cert').secret.secretName).toBe(secret.metadata.name);
    const ca = new X509Certificate(unb64(secret.data['ca.crt']));
    const cert = new X509Certificate(unb64(secret.data['tls.crt']));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('release-aggregated-apiserver.aas.svc')).toBeDefined();
    expect(cert.checkHost('elsewhere.aas.svc')).toBeUndefined();
    for (const a of byKind(objs, 'APIService')) expect(a.spec.caBundle).toBe(secret.data['ca.crt']);
  });

  it('tls.type=cert-manager: a Certificate for the Service name, injected into every APIService', async () => {
    const objs = await renderChart(helm, ['ci/tls-certManager-values.yaml']);
    const { pod } = serverContainer(objs);
    const cert = one(objs, 'Certificate');
    const issuer = one(objs, 'Issuer');
    expect(issuer.spec).toEqual({ selfSigned: {} });
    expect(cert.spec.issuerRef).toEqual({ kind: 'Issuer', name: issuer.metadata.name, group: 'cert-manager.io' });
    expect(cert.spec.dnsNames).toContain('release-aggregated-apiserver.aas.svc');
    expect(pod.volumes.find((v: Obj) => v.name === 'serving-cert').secret.secretName).toBe(cert.spec.secretName);
    expect(byKind(objs, 'Secret')).toEqual([]);
    for (const a of byKind(objs, 'APIService')) {
      expect(a.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(`aas/${cert.metadata.name}`);
      expect(a.spec.caBundle).toBeUndefined();
    }
  });

  it('tls.type=existingSecret: mounts that Secret and puts the given CA in the caBundle', async () => {
    const values = parse(readFileSync(join(chartDir, 'ci/tls-existingSecret-values.yaml'), 'utf8')) as Obj;
    const objs = await renderChart(helm, ['ci/tls-existingSecret-values.yaml']);
    const { pod } = serverContainer(objs);
    expect(pod.volumes.find((v: Obj) => v.name === 'serving-cert').secret.secretName).toBe(values.tls.existingSecret.name);
    expect(byKind(objs, 'Secret')).toEqual([]);
    for (const a of byKind(objs, 'APIService')) expect(a.spec.caBundle).toBe(b64(values.tls.existingSecret.caBundle));
  });
});

describe('values', () => {
  it('apiDefinitions: mounted from a ConfigMap, passed as --api-definitions, and drive APIServices and roles', async () => {
    const objs = await renderChart(helm, ['ci/api-definitions-values.yaml']);
    const { container, pod } = serverContainer(objs);
    const cm = one(objs, 'ConfigMap');
    expect(Object.keys(cm.data)).toEqual(['widgets.yaml']);
    const dir = flags(container).flags.get('--api-definitions')?.[0];
    expect(container.volumeMounts.find((m: Obj) => m.mountPath === dir)?.name).toBe('api-definitions');
    expect(pod.volumes.find((v: Obj) => v.name === 'api-definitions').configMap.name).toBe(cm.metadata.name);
    // v1beta1 has served: false, so it gets no APIService; both CRDs' resources get roles.
    for (const role of byKind(objs, 'ClusterRole'))
      expect(role.rules).toEqual([expect.objectContaining({ apiGroups: ['example.org'], resources: ['gadgets', 'widgets'] })]);
  });

  it('the default serves wardle.example.com and can read flunders and fischers through view/edit/admin', async () => {
    const objs = await renderChart(helm);
    expect(byKind(objs, 'ConfigMap')).toEqual([]);
    expect(flags(serverContainer(objs).container).flags.has('--api-definitions')).toBe(false);
    const view = byKind(objs, 'ClusterRole').find((r) => r.metadata.labels['rbac.authorization.k8s.io/aggregate-to-view'] === 'true');
    expect(view?.rules).toEqual([
      { apiGroups: ['wardle.example.com'], resources: ['fischers', 'flunders'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  it('LevelDB keeps its data on a PersistentVolumeClaim at --data-dir', async () => {
    const { sts, container } = serverContainer(await renderChart(helm));
    expect(sts.spec.replicas).toBe(1);
    expect(flags(container).flags.get('--storage-backend')).toEqual(['leveldb']);
    const dataDir = flags(container).flags.get('--data-dir')?.[0];
    const mount = container.volumeMounts.find((m: Obj) => m.mountPath === dataDir);
    expect(sts.spec.volumeClaimTemplates.map((c: Obj) => c.metadata.name)).toEqual([mount.name]);
  });

  it('storage.persistence.enabled=false: LevelDB on an emptyDir at --data-dir, no claim', async () => {
    const { sts, pod, container } = serverContainer(await renderChart(helm, [], ['storage.persistence.enabled=false']));
    const dataDir = flags(container).flags.get('--data-dir')?.[0];
    const mount = container.volumeMounts.find((m: Obj) => m.mountPath === dataDir);
    expect(pod.volumes.find((v: Obj) => v.name === mount.name).emptyDir).toEqual({});
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
  });

  it.each([
    [['iamge.tag=x'], "additional properties 'iamge' not allowed"],
    [['tls.type=self-signed'], "value must be one of 'helm', 'cert-manager', 'existingSecret'"],
    // LevelDB has one writer, and it is the only backend of this release.
    [['replicas=2'], 'replicas must be 1: LevelDB, the storage of this release, has a single writer'],
    [['storage.backend=etcd'], "at '/storage/backend': value must be 'leveldb'"],
    [['tls.type=existingSecret', 'tls.existingSecret.name=x'], 'tls.existingSecret.caBundle'],
    [['readinessProbe.httpGet.scheme=HTTP'], 'HTTPS'],
  ])('rejects %j', async (set, message) => {
    const r = await exec(helm, ['template', 'release', chartDir, ...set.flatMap((s) => ['--set', s])]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});

describe('helm test', () => {
  it('asks the kube-apiserver for every served group-version from a restricted pod', async () => {
    const objs = await renderChart(helm);
    const pods = byKind(objs, 'Pod');
    expect(pods).toHaveLength(1);
    const pod = pods[0] as Obj;
    expect(pod.metadata.annotations['helm.sh/hook']).toBe('test');
    const script = pod.spec.containers[0].args[0] as string;
    const paths = JSON.parse(/const paths = (\[.*\]);/.exec(script)?.[1] ?? '[]') as string[];
    expect(paths.sort()).toEqual(
      byKind(objs, 'APIService')
        .map((a) => `/apis/${a.spec.group}/${a.spec.version}`)
        .sort(),
    );
    expect(pod.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
  });
});

describe('NOTES.txt', () => {
  // helm renders NOTES only on install, which needs a cluster; render it as a template in a copy instead,
  // so an error in it cannot first show up at someone's `helm install`.
  it.each([[[]], [['ci/api-definitions-values.yaml']], [['ci/tls-certManager-values.yaml']]])('renders with %j', async (values) => {
    const dir = await mkdtemp(join(tmpdir(), 'chart-notes-'));
    try {
      await cp(chartDir, dir, { recursive: true });
      await cp(join(chartDir, 'templates', 'NOTES.txt'), join(dir, 'notes.txt'));
      await writeFile(
        join(dir, 'templates', 'notes-check.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\ndata:\n  notes: {{ tpl (.Files.Get "notes.txt") . | quote }}\n',
      );
      const args = [
        'template',
        'release',
        dir,
        '-n',
        'aas',
        '--show-only',
        'templates/notes-check.yaml',
        ...values.flatMap((v) => ['--values', join(chartDir, v)]),
      ];
      const notes = (parse(await execOk(helm, args)) as Obj).data.notes as string;
      for (const a of byKind(await renderChart(helm, values), 'APIService')) expect(notes).toContain(a.metadata.name);
      expect(notes).toContain('helm test release -n aas');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
