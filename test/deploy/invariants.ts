/**
 * What any install of the server must get right, whether from the chart or from deploy/: the two
 * delegated-auth bindings and no other rights, APIServices that reach the Service's named HTTPS port, the
 * restricted securityContext, HTTPS probes, and volumes for a read-only root filesystem.
 */
import { expect } from 'vitest';
import { byKind, one, type Obj } from './manifests.js';

export interface GroupVersion {
  group: string;
  version: string;
}

/** The server's single container and its StatefulSet's pod template. */
export function serverContainer(objs: Obj[]): { sts: Obj; pod: Obj; container: Obj } {
  const sts = one(objs, 'StatefulSet');
  const pod = sts.spec.template.spec;
  expect(pod.containers).toHaveLength(1);
  return { sts, pod, container: pod.containers[0] };
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

function mountedAt(container: Obj, pod: Obj, sts: Obj, path: string): Obj {
  const mount = (container.volumeMounts as Obj[]).find((m) => m.mountPath === path);
  expect(mount, `a volume is mounted at ${path}`).toBeDefined();
  const volume =
    (pod.volumes as Obj[] | undefined)?.find((v) => v.name === mount?.name) ??
    (sts.spec.volumeClaimTemplates as Obj[] | undefined)?.find((c) => c.metadata.name === mount?.name);
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

export function assertServerInvariants(objs: Obj[], served: GroupVersion[]): void {
  const { sts, pod, container } = serverContainer(objs);
  const ns = sts.metadata.namespace as string;
  const sa = one(objs, 'ServiceAccount');
  expect(pod.serviceAccountName).toBe(sa.metadata.name);
  expect(sa.metadata.namespace).toBe(ns);
  const subject = { kind: 'ServiceAccount', name: sa.metadata.name, namespace: ns };

  // Exactly the delegated-auth rights, nothing more (the built-in group needs no other reads yet).
  const bindings = [...byKind(objs, 'ClusterRoleBinding'), ...byKind(objs, 'RoleBinding')];
  expect(bindings.map((b) => [b.kind, b.metadata.namespace, b.roleRef]).sort()).toEqual(
    [
      ['ClusterRoleBinding', undefined, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' }],
      [
        'RoleBinding',
        'kube-system',
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      ],
    ].sort(),
  );
  for (const b of bindings) expect(b.subjects).toEqual([subject]);
  for (const role of byKind(objs, 'ClusterRole')) {
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
  expect(mountedAt(container, pod, sts, '/tmp').emptyDir).toBeDefined();
  const tlsDir = (f.get('--tls-cert-file')?.[0] ?? '').replace(/\/tls\.crt$/, '');
  expect(f.get('--tls-private-key-file')).toEqual([`${tlsDir}/tls.key`]);
  expect(mountedAt(container, pod, sts, tlsDir).secret?.secretName).toBeTruthy();
  expect(f.get('--storage-backend')).toEqual(['leveldb']);
  expect(f.get('--data-dir')).toHaveLength(1);
  mountedAt(container, pod, sts, f.get('--data-dir')?.[0] as string);

  // Service and APIServices: the aggregator dials <service>:<port>, which must lead to the named port.
  const svc = one(objs, 'Service');
  expect(svc.metadata.namespace).toBe(ns);
  expect(svc.spec.clusterIP).not.toBe('None');
  expect(svc.spec.selector).toEqual(sts.spec.selector.matchLabels);
  expect(sts.spec.template.metadata.labels).toMatchObject(sts.spec.selector.matchLabels);
  const svcPort = (svc.spec.ports as Obj[]).find((p) => p.targetPort === 'https');
  expect(svcPort).toMatchObject({ name: 'https', port: 443 });
  const apiServices = byKind(objs, 'APIService');
  expect(apiServices.map((a) => `${a.spec.group}/${a.spec.version}`).sort()).toEqual(served.map((s) => `${s.group}/${s.version}`).sort());
  for (const a of apiServices) {
    expect(a.metadata.name).toBe(`${a.spec.version}.${a.spec.group}`);
    expect(a.spec.service).toEqual({ name: svc.metadata.name, namespace: ns, port: svcPort?.port });
    expect(a.spec.insecureSkipTLSVerify ?? false).toBe(false);
  }

  // Disruption budget and network policy select the server's pods; the policy opens only its port.
  const pdb = one(objs, 'PodDisruptionBudget');
  expect(pdb.spec.selector.matchLabels).toEqual(sts.spec.selector.matchLabels);
  expect(pdb.spec.minAvailable).toBeUndefined();
  const np = one(objs, 'NetworkPolicy');
  expect(np.spec.podSelector.matchLabels).toEqual(sts.spec.selector.matchLabels);
  expect(np.spec.policyTypes).toEqual(['Ingress']);
  expect(np.spec.ingress.flatMap((r: Obj) => r.ports)).toEqual([{ port: 8443, protocol: 'TCP' }]);
}
