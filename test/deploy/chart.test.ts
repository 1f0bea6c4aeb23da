/** The Helm chart, linted and rendered by a real helm for the default values and each ci/*.yaml. */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
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
      expect.arrayContaining([
        'ci/tls-helm-values.yaml',
        'ci/tls-certManager-values.yaml',
        'ci/tls-existingSecret-values.yaml',
        'ci/etcd-values.yaml',
      ]),
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
    for (const role of byKind(objs, 'ClusterRole').filter((r) => !r.metadata.name.endsWith(':admission')))
      expect(role.rules).toEqual([expect.objectContaining({ apiGroups: ['example.org'], resources: ['gadgets', 'widgets'] })]);
  });

  it('admission.banFlunderPolicy: the BanFlunder ValidatingAdmissionPolicy of deploy/policies, named for the release', async () => {
    expect(byKind(await renderChart(helm), 'ValidatingAdmissionPolicy')).toEqual([]);
    const objs = await renderChart(helm, [], ['admission.banFlunderPolicy=true']);
    const policy = one(objs, 'ValidatingAdmissionPolicy');
    const binding = one(objs, 'ValidatingAdmissionPolicyBinding');
    const shipped = parseAllDocuments(readFileSync(join(chartDir, '..', '..', 'deploy', 'policies', 'ban-flunder.yaml'), 'utf8')).map(
      (d) => d.toJS() as Obj,
    );
    expect(policy.spec).toEqual(shipped[0]?.spec);
    expect(binding.spec).toEqual({ ...shipped[1]?.spec, policyName: policy.metadata.name });
    expect(policy.metadata.name).toBe('release-aggregated-apiserver-ban-flunder');
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

  it('LevelDB keeps its data on a PersistentVolumeClaim at --data-dir, in a one-replica StatefulSet', async () => {
    const objs = await renderChart(helm);
    const { workload: sts, container } = serverContainer(objs);
    expect(sts.kind).toBe('StatefulSet');
    expect(byKind(objs, 'Deployment')).toEqual([]);
    expect(sts.spec.replicas).toBe(1);
    expect(flags(container).flags.get('--storage-backend')).toEqual(['leveldb']);
    const dataDir = flags(container).flags.get('--data-dir')?.[0];
    const mount = container.volumeMounts.find((m: Obj) => m.mountPath === dataDir);
    expect(sts.spec.volumeClaimTemplates.map((c: Obj) => c.metadata.name)).toEqual([mount.name]);
  });

  it('storage.persistence.enabled=false: LevelDB on an emptyDir at --data-dir, no claim', async () => {
    const { workload: sts, pod, container } = serverContainer(await renderChart(helm, [], ['storage.persistence.enabled=false']));
    const dataDir = flags(container).flags.get('--data-dir')?.[0];
    const mount = container.volumeMounts.find((m: Obj) => m.mountPath === dataDir);
    expect(pod.volumes.find((v: Obj) => v.name === mount.name).emptyDir).toEqual({});
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
  });

  it.each([
    [['iamge.tag=x'], ["additional properties 'iamge' not allowed"]],
    [['tls.type=self-signed'], ["value must be one of 'helm', 'cert-manager', 'existingSecret'"]],
    // LevelDB has one writer: the schema names both values.
    [['replicas=2'], ["at '/replicas': maximum: got 2, want 1", "at '/storage/backend': value must be 'etcd'"]],
    [['storage.backend=etcd'], ["at '/storage/etcd/servers': minItems: got 0, want 1"]],
    [['storage.backend=etcd', 'storage.etcd.servers={https://a:2379,b:2379}'], ["at '/storage/etcd/servers/1'"]],
    [['storage.backend=etcd', 'storage.etcd.servers={https://a:2379/v3}'], ["at '/storage/etcd/servers/0'"]],
    [['storage.backend=etcd', 'storage.etcd.servers={http://a}', 'storage.etcd.prefix=registry'], ["at '/storage/etcd/prefix'"]],
    [['storage.backend=etcd3'], ["at '/storage/backend': value must be one of 'leveldb', 'etcd'"]],
    [['tls.type=existingSecret', 'tls.existingSecret.name=x'], ['tls.existingSecret.caBundle']],
    [['readinessProbe.httpGet.scheme=HTTP'], ['HTTPS']],
  ])('rejects %j', async (set, messages) => {
    const r = await exec(helm, ['template', 'release', chartDir, ...set.flatMap((s) => ['--set', s])]);
    expect(r.code).not.toBe(0);
    for (const m of messages) expect(r.stderr).toContain(m);
  });

  // The templates say it again for installs that skip the schema (helm --skip-schema-validation).
  it.each([
    [['replicas=2'], 'replicas must be 1 with storage.backend=leveldb: LevelDB has a single writer'],
    [['storage.backend=etcd'], 'storage.etcd.servers is required with storage.backend=etcd'],
  ])('rejects %j without the schema too', async (set, message) => {
    const r = await exec(helm, ['template', 'release', chartDir, '--skip-schema-validation', ...set.flatMap((s) => ['--set', s])]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });

  it('helm lint --strict refuses replicas=2 with leveldb', async () => {
    const r = await exec(helm, ['lint', '--strict', chartDir, '--set', 'replicas=2']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("at '/replicas': maximum: got 2, want 1");
  });
});

describe('storage.backend=etcd', () => {
  const etcdValues = parse(readFileSync(join(chartDir, 'ci/etcd-values.yaml'), 'utf8')) as Obj;

  it('a Deployment of 3 replicas, no StatefulSet, no claim, no volume for data and no --data-dir', async () => {
    const objs = await renderChart(helm, ['ci/etcd-values.yaml']);
    const { workload, pod, container } = serverContainer(objs);
    expect(workload.kind).toBe('Deployment');
    expect(byKind(objs, 'StatefulSet')).toEqual([]);
    expect(workload.spec.replicas).toBe(3);
    expect(workload.spec.volumeClaimTemplates).toBeUndefined();
    expect(pod.volumes.map((v: Obj) => v.name).sort()).toEqual(['etcd-client', 'serving-cert', 'tmp']);
    expect(container.volumeMounts.map((m: Obj) => m.mountPath)).not.toContain('/var/lib/aggregated-apiserver');
    expect(flags(container).flags.has('--data-dir')).toBe(false);
  });

  it('passes the etcd flags, the servers joined by commas, the client certificate from the mounted Secret', async () => {
    const { pod, container } = serverContainer(await renderChart(helm, ['ci/etcd-values.yaml']));
    expect(container.args.filter((a: string) => /^--(storage-backend|etcd-)/.test(a))).toEqual([
      '--storage-backend=etcd3',
      `--etcd-servers=${etcdValues.storage.etcd.servers.join(',')}`,
      '--etcd-prefix=/registry',
      '--etcd-cafile=/etc/aggregated-apiserver/etcd-client/ca.crt',
      '--etcd-certfile=/etc/aggregated-apiserver/etcd-client/tls.crt',
      '--etcd-keyfile=/etc/aggregated-apiserver/etcd-client/tls.key',
      '--etcd-compaction-interval=5m',
    ]);
    expect(etcdValues.storage.etcd.servers).toHaveLength(2);
    const mount = container.volumeMounts.find((m: Obj) => m.name === 'etcd-client');
    expect(mount).toEqual({ name: 'etcd-client', mountPath: '/etc/aggregated-apiserver/etcd-client', readOnly: true });
    expect(pod.volumes.find((v: Obj) => v.name === 'etcd-client').secret).toEqual({ secretName: etcdValues.storage.etcd.tls.secretName });
  });

  it('without tls.secretName: plain http, no client certificate flags and no Secret mounted', async () => {
    const objs = await renderChart(helm, [], ['storage.backend=etcd', 'storage.etcd.servers={http://etcd:2379}']);
    const { pod, container } = serverContainer(objs);
    const f = flags(container).flags;
    expect(f.get('--etcd-servers')).toEqual(['http://etcd:2379']);
    expect([...f.keys()].filter((k) => /^--etcd-(ca|cert|key)file$/.test(k))).toEqual([]);
    expect(pod.volumes.map((v: Obj) => v.name).sort()).toEqual(['serving-cert', 'tmp']);
    assertServerInvariants(objs, wardle);
  });

  it("prefix, compaction interval and replicas are values; args still pass through after the chart's", async () => {
    const set = [
      'storage.etcd.prefix=/aggregated-apiserver',
      'storage.etcd.compactionInterval=0',
      'replicas=5',
      'args={--audit-log-path=-}',
    ];
    const { workload, container } = serverContainer(await renderChart(helm, ['ci/etcd-values.yaml'], set));
    const f = flags(container).flags;
    expect(workload.spec.replicas).toBe(5);
    expect(f.get('--etcd-prefix')).toEqual(['/aggregated-apiserver']);
    expect(f.get('--etcd-compaction-interval')).toEqual(['0']);
    expect(container.args.at(-1)).toBe('--audit-log-path=-');
  });

  it('rolls out one extra pod at a time and never goes below the replicas; a drain leaves two of three', async () => {
    const objs = await renderChart(helm, ['ci/etcd-values.yaml']);
    const { workload } = serverContainer(objs);
    expect(workload.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const pdb = one(objs, 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector).toEqual(workload.spec.selector);
  });

  it('prefers distinct nodes and spreads over zones, never leaving a pod Pending for it', async () => {
    const { workload, pod } = serverContainer(await renderChart(helm, ['ci/etcd-values.yaml']));
    const labelSelector = { matchLabels: workload.spec.selector.matchLabels };
    expect(pod.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector } },
        ],
      },
    });
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
    ]);
  });

  it('affinity and topologySpreadConstraints, when set, replace the defaults', async () => {
    const term = 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]';
    const set = [
      `${term}.key=pool`,
      `${term}.operator=Exists`,
      'topologySpreadConstraints[0].maxSkew=2',
      'topologySpreadConstraints[0].topologyKey=kubernetes.io/hostname',
      'topologySpreadConstraints[0].whenUnsatisfiable=DoNotSchedule',
    ];
    const { pod } = serverContainer(await renderChart(helm, ['ci/etcd-values.yaml'], set));
    expect(pod.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'Exists' }] }],
        },
      },
    });
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' },
    ]);
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
  it.each([
    [[], 'StatefulSet release-aggregated-apiserver runs one replica', 'PersistentVolumeClaim data-release-aggregated-apiserver-0'],
    [['ci/api-definitions-values.yaml'], 'runs one replica', 'PersistentVolumeClaim'],
    [['ci/tls-certManager-values.yaml'], 'runs one replica', 'PersistentVolumeClaim'],
    [
      ['ci/etcd-values.yaml'],
      'Deployment release-aggregated-apiserver runs 3 replicas',
      'etcd at https://etcd-0.etcd:2379, https://etcd-1.etcd:2379 under the key prefix\n/registry, with the CA and client certificate of Secret aggregated-apiserver-etcd-client',
    ],
  ])('renders with %j', async (values, workload, storage) => {
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
      expect(notes).toContain(workload);
      expect(notes).toContain(storage);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
