/**
 * The chart and deploy/ describe the same server: with default values and deploy/, and with
 * storage.backend=etcd and deploy/ha, the same flags, ports, probes, security, scheduling, RBAC and
 * APIServices. Only names (release-prefixed), namespace, labels, the serving certificate's source and the
 * etcd servers (the operator's) differ; a change to one that is not made to the other fails here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureHelm } from '../tools/helm.js';
import { flags, serverContainer } from './invariants.js';
import { byKind, one, renderChart, renderDeploy, type Obj } from './manifests.js';

const pick = (o: Obj, keys: string[]): Obj => Object.fromEntries(keys.map((k) => [k, o[k]]));

/** A copy of x with every labelSelector that selects the workload's pods replaced by a marker. */
function withSelectorMarked(x: unknown, matchLabels: Obj): unknown {
  if (Array.isArray(x)) return x.map((v) => withSelectorMarked(v, matchLabels));
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(
    Object.entries(x).map(([k, v]) => {
      const selectsPods = k === 'labelSelector' && JSON.stringify(v) === JSON.stringify({ matchLabels });
      return [k, selectsPods ? 'the pods' : withSelectorMarked(v, matchLabels)];
    }),
  );
}

const variants = [
  { name: 'default values and deploy/', chart: async (_deploy: Obj[]): Promise<string[]> => [], deploy: '' },
  {
    name: 'storage.backend=etcd and deploy/ha',
    // deploy/ha's etcd members are placeholders for the operator's; the chart is given the same ones.
    chart: async (deploy: Obj[]): Promise<string[]> => {
      const servers = flags(serverContainer(deploy).container).flags.get('--etcd-servers')?.[0] ?? '';
      return ['storage.backend=etcd', `storage.etcd.servers={${servers}}`, 'storage.etcd.tls.secretName=aggregated-apiserver-etcd-client'];
    },
    deploy: 'ha',
  },
];

describe.each(variants)('$name', (variant) => {
  let chart: Obj[];
  let deploy: Obj[];
  beforeAll(async () => {
    const helm = await ensureHelm();
    deploy = await renderDeploy(variant.deploy);
    chart = await renderChart(helm, [], await variant.chart(deploy));
  }, 15 * 60_000);

  it('runs the same command line, image entrypoint aside', () => {
    expect(serverContainer(chart).container.args).toEqual(serverContainer(deploy).container.args);
  });

  it('has the same container: ports, probes, resources, securityContext, mounts', () => {
    const keys = ['ports', 'startupProbe', 'livenessProbe', 'readinessProbe', 'resources', 'securityContext', 'volumeMounts'];
    const sort = (c: Obj): Obj => ({
      ...pick(c, keys),
      volumeMounts: [...c.volumeMounts].sort((a: Obj, b: Obj) => a.mountPath.localeCompare(b.mountPath)),
    });
    expect(sort(serverContainer(chart).container)).toEqual(sort(serverContainer(deploy).container));
  });

  it('has the same workload, pod settings and volumes', () => {
    const a = serverContainer(chart);
    const b = serverContainer(deploy);
    expect(a.workload.kind).toBe(b.workload.kind);
    expect(a.workload.spec.replicas).toEqual(b.workload.spec.replicas);
    expect(a.workload.spec.strategy).toEqual(b.workload.spec.strategy);
    expect(a.workload.spec.updateStrategy).toEqual(b.workload.spec.updateStrategy);
    expect(a.pod.securityContext).toEqual(b.pod.securityContext);
    const shape = (v: Obj): Obj => ({ name: v.name, kind: Object.keys(v).filter((k) => k !== 'name') });
    const byName = (x: Obj, y: Obj): number => x.name.localeCompare(y.name);
    expect(a.pod.volumes.map(shape).sort(byName)).toEqual(b.pod.volumes.map(shape).sort(byName));
    expect(a.pod.volumes.find((v: Obj) => v.name === 'tmp')).toEqual(b.pod.volumes.find((v: Obj) => v.name === 'tmp'));
    expect(a.pod.volumes.find((v: Obj) => v.name === 'etcd-client')).toEqual(b.pod.volumes.find((v: Obj) => v.name === 'etcd-client'));
    const claim = (w: Obj): Obj[] => (w.spec.volumeClaimTemplates ?? []).map((c: Obj) => ({ name: c.metadata.name, spec: c.spec }));
    expect(claim(a.workload)).toEqual(claim(b.workload));
  });

  it('schedules the same way: affinity and topology spread over the pods, whatever their labels', () => {
    const scheduling = ({ workload, pod }: ReturnType<typeof serverContainer>): unknown =>
      withSelectorMarked(
        pick(pod, ['affinity', 'topologySpreadConstraints', 'nodeSelector', 'tolerations']),
        workload.spec.selector.matchLabels,
      );
    expect(scheduling(serverContainer(chart))).toEqual(scheduling(serverContainer(deploy)));
  });

  it('grants the same RBAC', () => {
    const refs = (objs: Obj[]): Obj[] =>
      [...byKind(objs, 'ClusterRoleBinding'), ...byKind(objs, 'RoleBinding')]
        // The chart prefixes names of its own with the release's fullname.
        .map((r) => ({ ns: r.metadata.namespace, roleRef: { ...r.roleRef, name: r.roleRef.name.replace(/^.*(:admission)$/, '$1') } }))
        .sort((x, y) => x.roleRef.name.localeCompare(y.roleRef.name));
    expect(refs(chart)).toEqual(refs(deploy));
    const roles = (objs: Obj[]): Obj[] =>
      byKind(objs, 'ClusterRole')
        .map((r) => ({
          aggregateTo: Object.keys(r.metadata.labels)
            .filter((l) => l.startsWith('rbac.authorization.k8s.io/aggregate-to-'))
            .sort(),
          rules: r.rules.map((rule: Obj) => ({ ...rule, resources: [...rule.resources].sort() })),
        }))
        .sort((x, y) => x.aggregateTo.length - y.aggregateTo.length);
    expect(roles(chart)).toEqual(roles(deploy));
  });

  it('registers the same APIServices on the same Service port', () => {
    const specs = (objs: Obj[]): Obj[] =>
      byKind(objs, 'APIService')
        .map((a) => ({
          name: a.metadata.name,
          ...pick(a.spec, ['group', 'version', 'groupPriorityMinimum', 'versionPriority']),
          port: a.spec.service.port,
        }))
        .sort((x, y) => x.name.localeCompare(y.name));
    expect(specs(chart)).toEqual(specs(deploy));
    expect(one(chart, 'Service').spec.ports).toEqual(one(deploy, 'Service').spec.ports);
  });

  it('has the same disruption budget and network policy rules', () => {
    const pdb = (objs: Obj[]): Obj => ({ ...one(objs, 'PodDisruptionBudget').spec, selector: undefined });
    expect(pdb(chart)).toEqual(pdb(deploy));
    expect(one(chart, 'NetworkPolicy').spec.ingress).toEqual(one(deploy, 'NetworkPolicy').spec.ingress);
  });
});
