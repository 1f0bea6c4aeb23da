/**
 * What any install of the server must get right, whether from the chart or from deploy/: the two
 * delegated-auth bindings and no other rights, APIServices that reach the Service's named HTTPS port, the
 * restricted securityContext, HTTPS probes, volumes for a read-only root filesystem, and storage: LevelDB
 * in a one-replica StatefulSet, or etcd shared by the replicas of a Deployment that stays available.
 */
import { expect } from 'vitest';
import { byKind, one, type Obj } from './manifests.js';

export interface GroupVersion {
  group: string;
  version: string;
}

/** The server's workload (its StatefulSet or Deployment, whichever there is), pod template and single container. */
export function serverContainer(objs: Obj[]): { workload: Obj; pod: Obj; container: Obj } {
  const workloads = objs.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment');
  expect(workloads.map((w) => `${w.kind}/${w.metadata.name}`)).toHaveLength(1);
  const workload = workloads[0] as Obj;
  const pod = workload.spec.template.spec;
  expect(pod.containers).toHaveLength(1);
  return { workload, pod, container: pod.containers[0] };
}

/** `--flag=value` arguments as a map; the subcommand first. */
export function flags(container: Obj): { command: string; flags: Map<string, string[]> } {
  const [command, ...rest] = container.args as string[];
  const out = new Map<string, string[]>();
  for (const a of rest) {
    const m = /^(--[a-z0-9-]+)(?:=(.*))?$/.exec(a);
    expect(m, `argument ${a} is --flag=value`).not.toBeNull();
    const [, name, value] = m as RegExpExecArray;
    out.set(name as string, [...(out.get(name as string) ?? []), value ?? 'true']);
  }
  return { command: command as string, flags: out };
}

function mountedAt(container: Obj, pod: Obj, workload: Obj, path: string): Obj {
  const mount = (container.volumeMounts as Obj[]).find((m) => m.mountPath === path);
  expect(mount, `a volume is mounted at ${path}`).toBeDefined();
  const volume =
    (pod.volumes as Obj[] | undefined)?.find((v) => v.name === mount?.name) ??
    (workload.spec.volumeClaimTemplates as Obj[] | undefined)?.find((c) => c.metadata.name === mount?.name);
  expect(volume, `volume ${mount?.name} exists`).toBeDefined();
  return volume as Obj;
}

function expectRestricted(pod: Obj, container: Obj): void {
  const sc = container.securityContext;
  expect(sc.allowPrivilegeEscalation).toBe(false);
  expect(sc.readOnlyRootFilesystem).toBe(true);
  expect(sc.capabilities.drop).toEqual(['ALL']);
  expect(sc.capabilities.add ?? []).toEqual([]);
  expect(sc.privileged ?? false).toBe(false);
  for (const ctx of [pod.securityContext, sc]) {
    expect(ctx.runAsNonRoot).toBe(true);
    expect(ctx.runAsUser).toBe(65532);
    expect(ctx.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  }
  expect(pod.hostNetwork ?? false).toBe(false);
}

/**
 * LevelDB: one writer, so one replica of a StatefulSet with its --data-dir on a volume. etcd: no data of
 * the pod's own (no --data-dir, which the server refuses with etcd3, no claim), the client certificate
 * from one mounted Secret, and a Deployment whose rollouts never serve with fewer replicas.
 */
function expectStorage(workload: Obj, pod: Obj, container: Obj, f: Map<string, string[]>): void {
  const [backend] = f.get('--storage-backend') ?? [];
  if (backend === 'leveldb') {
    expect(workload.kind).toBe('StatefulSet');
    expect(workload.spec.replicas).toBe(1);
    expect(f.get('--data-dir')).toHaveLength(1);
    mountedAt(container, pod, workload, f.get('--data-dir')?.[0] as string);
    expect([...f.keys()].filter((k) => k.startsWith('--etcd-'))).toEqual([]);
    return;
  }
  expect(backend).toBe('etcd3');
  expect(workload.kind).toBe('Deployment');
  expect(workload.spec.replicas).toBeGreaterThanOrEqual(2);
  expect(workload.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  expect(f.has('--data-dir')).toBe(false);
  expect(workload.spec.volumeClaimTemplates).toBeUndefined();
  expect(pod.volumes.filter((v: Obj) => v.persistentVolumeClaim)).toEqual([]);
  const servers = f.get('--etcd-servers') ?? [];
  expect(servers).toHaveLength(1);
  for (const url of (servers[0] as string).split(',')) expect(url).toMatch(/^https?:\/\/[^/\s]+$/);
  expect(f.get('--etcd-prefix')).toEqual([expect.stringMatching(/^\//)]);
  expect(f.get('--etcd-compaction-interval')).toHaveLength(1);
  const files = ['--etcd-cafile', '--etcd-certfile', '--etcd-keyfile'].map((k) => f.get(k)?.[0]);
  if (files.some((p) => p !== undefined)) {
    const dir = (files[0] ?? '').replace(/\/ca\.crt$/, '');
    expect(files).toEqual([`${dir}/ca.crt`, `${dir}/tls.crt`, `${dir}/tls.key`]);
    expect(mountedAt(container, pod, workload, dir).secret?.secretName).toBeTruthy();
  }
}

/** Several replicas prefer distinct nodes and spread over zones, without ever being left Pending for it. */
function expectSpread(workload: Obj, pod: Obj): void {
  const selector = { matchLabels: workload.spec.selector.matchLabels };
  expect(pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
    { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
  ]);
  expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
  expect(pod.topologySpreadConstraints).toEqual([
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
  ]);
}

export function assertServerInvariants(objs: Obj[], served: GroupVersion[]): void {
  const { workload, pod, container } = serverContainer(objs);
  const ns = workload.metadata.namespace as string;
  const sa = one(objs, 'ServiceAccount');
  expect(pod.serviceAccountName).toBe(sa.metadata.name);
  expect(sa.metadata.namespace).toBe(ns);
  const subject = { kind: 'ServiceAccount', name: sa.metadata.name, namespace: ns };

  // Exactly the delegated-auth rights and what admission reads (namespaces, webhooks, policies), nothing more.
  const bindings = [...byKind(objs, 'ClusterRoleBinding'), ...byKind(objs, 'RoleBinding')];
  const admission = byKind(objs, 'ClusterRole').find((r) => r.metadata.name.endsWith(':admission'));
  expect(admission?.rules).toEqual([
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
    {
      apiGroups: ['admissionregistration.k8s.io'],
      resources: [
        'mutatingwebhookconfigurations',
        'validatingwebhookconfigurations',
        'mutatingadmissionpolicies',
        'mutatingadmissionpolicybindings',
        'validatingadmissionpolicies',
        'validatingadmissionpolicybindings',
      ],
      verbs: ['list', 'watch'],
    },
  ]);
  const byJSON = (a: unknown, b: unknown): number => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
  expect(bindings.map((b) => [b.kind, b.metadata.namespace, b.roleRef]).sort(byJSON)).toEqual(
    [
      ['ClusterRoleBinding', undefined, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' }],
      ['ClusterRoleBinding', undefined, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: admission?.metadata.name }],
      [
        'RoleBinding',
        'kube-system',
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      ],
    ].sort(byJSON),
  );
  for (const b of bindings) expect(b.subjects).toEqual([subject]);
  for (const role of byKind(objs, 'ClusterRole')) {
    if (role === admission) continue;
    expect(Object.keys(role.metadata.labels).some((l) => l.startsWith('rbac.authorization.k8s.io/aggregate-to-'))).toBe(true);
  }

  // The container serves HTTPS on a named, unprivileged port, and the probes use it.
  const { command, flags: f } = flags(container);
  expect(command).toBe('serve');
  const port = (container.ports as Obj[]).find((p) => p.name === 'https');
  expect(port?.containerPort).toBe(8443);
  expect(f.get('--secure-port')).toEqual(['8443']);
  for (const [probe, path] of [
    ['startupProbe', '/livez'],
    ['livenessProbe', '/livez'],
    ['readinessProbe', '/readyz'],
  ] as const) {
    expect(container[probe]?.httpGet, probe).toEqual({ path, port: 'https', scheme: 'HTTPS' });
  }
  expectRestricted(pod, container);
  expect(container.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
  expect(container.resources.limits).toMatchObject({ memory: expect.anything() });

  // Read-only root: /tmp and the data directory are volumes; the certificate comes from a Secret.
  expect(mountedAt(container, pod, workload, '/tmp').emptyDir).toBeDefined();
  const tlsDir = (f.get('--tls-cert-file')?.[0] ?? '').replace(/\/tls\.crt$/, '');
  expect(f.get('--tls-private-key-file')).toEqual([`${tlsDir}/tls.key`]);
  expect(mountedAt(container, pod, workload, tlsDir).secret?.secretName).toBeTruthy();
  expect(f.get('--storage-backend')).toHaveLength(1);
  expectStorage(workload, pod, container, f);
  if (workload.spec.replicas > 1) expectSpread(workload, pod);

  // Service and APIServices: the aggregator dials <service>:<port>, which must lead to the named port.
  const svc = one(objs, 'Service');
  expect(svc.metadata.namespace).toBe(ns);
  expect(svc.spec.clusterIP).not.toBe('None');
  expect(svc.spec.selector).toEqual(workload.spec.selector.matchLabels);
  expect(workload.spec.template.metadata.labels).toMatchObject(workload.spec.selector.matchLabels);
  const svcPort = (svc.spec.ports as Obj[]).find((p) => p.targetPort === 'https');
  expect(svcPort).toMatchObject({ name: 'https', port: 443 });
  const apiServices = byKind(objs, 'APIService');
  expect(apiServices.map((a) => `${a.spec.group}/${a.spec.version}`).sort()).toEqual(served.map((s) => `${s.group}/${s.version}`).sort());
  for (const a of apiServices) {
    expect(a.metadata.name).toBe(`${a.spec.version}.${a.spec.group}`);
    expect(a.spec.service).toEqual({ name: svc.metadata.name, namespace: ns, port: svcPort?.port });
    expect(a.spec.insecureSkipTLSVerify ?? false).toBe(false);
  }

  // Disruption budget and network policy select the server's pods; the policy opens only its port. With
  // several replicas, a drain leaves some serving.
  const pdb = one(objs, 'PodDisruptionBudget');
  expect(pdb.spec.selector.matchLabels).toEqual(workload.spec.selector.matchLabels);
  expect(pdb.spec.minAvailable).toBeUndefined();
  if (workload.spec.replicas > 1) expect(pdb.spec.maxUnavailable).toBeLessThan(workload.spec.replicas);
  const np = one(objs, 'NetworkPolicy');
  expect(np.spec.podSelector.matchLabels).toEqual(workload.spec.selector.matchLabels);
  expect(np.spec.policyTypes).toEqual(['Ingress']);
  expect(np.spec.ingress.flatMap((r: Obj) => r.ports)).toEqual([{ port: 8443, protocol: 'TCP' }]);
}
