/**
 * The chart with default values and deploy/ describe the same server: the same flags, ports, probes,
 * security, RBAC and APIServices. Only names (release-prefixed), namespace, labels and the serving
 * certificate's source differ; a change to one that is not made to the other fails here.
 */
import { beforeAll, expect, it } from 'vitest';
import { ensureHelm } from '../tools/helm.js';
import { serverContainer } from './invariants.js';
import { byKind, one, renderChart, renderDeploy, type Obj } from './manifests.js';

let chart: Obj[];
let deploy: Obj[];
beforeAll(async () => {
  const helm = await ensureHelm();
  [chart, deploy] = await Promise.all([renderChart(helm), renderDeploy()]);
}, 15 * 60_000);

const pick = (o: Obj, keys: string[]): Obj => Object.fromEntries(keys.map((k) => [k, o[k]]));

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

it('has the same pod settings and volumes', () => {
  const a = serverContainer(chart);
  const b = serverContainer(deploy);
  expect(a.pod.securityContext).toEqual(b.pod.securityContext);
  expect(a.sts.spec.replicas).toEqual(b.sts.spec.replicas);
  const shape = (v: Obj): Obj => ({ name: v.name, kind: Object.keys(v).filter((k) => k !== 'name') });
  const byName = (x: Obj, y: Obj): number => x.name.localeCompare(y.name);
  expect(a.pod.volumes.map(shape).sort(byName)).toEqual(b.pod.volumes.map(shape).sort(byName));
  expect(a.pod.volumes.find((v: Obj) => v.name === 'tmp')).toEqual(b.pod.volumes.find((v: Obj) => v.name === 'tmp'));
  const claim = (s: Obj): Obj[] => s.spec.volumeClaimTemplates.map((c: Obj) => ({ name: c.metadata.name, spec: c.spec }));
  expect(claim(a.sts)).toEqual(claim(b.sts));
});

it('grants the same RBAC', () => {
  const refs = (objs: Obj[]): Obj[] =>
    [...byKind(objs, 'ClusterRoleBinding'), ...byKind(objs, 'RoleBinding')]
      .map((r) => ({ ns: r.metadata.namespace, roleRef: r.roleRef }))
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
