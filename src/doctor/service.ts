/**
 * The Service an APIService names: that it exists, has the port the APIService dials, and has ready
 * endpoints, with the pods behind them explained when it has none.
 */
import { type Backend, apiServicePort, matches, workloadRef } from './backend.js';
import type { Obj } from '../server/cluster-client.js';
import { type Check, fail, ok } from './report.js';

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function serviceChecks(b: Backend): Check[] {
  const subject = `service/${b.namespace}/${b.name}`;
  if (!b.service) {
    return [
      fail(
        'service',
        subject,
        `does not exist, but ${b.apiServices.map((a) => a.metadata.name).join(', ')} name it`,
        'install the Service with the release (helm upgrade --install, or kubectl apply -k deploy/), or point the APIService at the right one',
      ),
    ];
  }
  const checks: Check[] = [];
  const ports = (b.service.spec?.ports as Obj[] | undefined) ?? [];
  if (b.service.spec?.clusterIP === 'None') {
    checks.push(
      fail(
        'service',
        subject,
        'is headless (clusterIP: None): the aggregator cannot route to it',
        'recreate the Service with a cluster IP (remove clusterIP: None)',
      ),
    );
  }
  // Only a Service with a cluster IP is checked for the port, as the aggregator checks it; it dials an
  // ExternalName at the APIService's port whatever the Service lists.
  for (const a of b.service.spec?.type === 'ExternalName' ? [] : b.apiServices) {
    const port = apiServicePort(a);
    if (ports.some((p) => p.port === port)) continue;
    const only = ports.length === 1 ? (ports[0]?.port as number) : undefined;
    checks.push(
      fail(
        'service',
        subject,
        `has no port ${port}, which apiservice/${a.metadata.name} dials (its ports: ${ports.map((p) => `${p.name ?? ''}:${p.port}`).join(', ') || 'none'})`,
        only !== undefined
          ? `kubectl patch apiservice ${a.metadata.name} --type=merge -p ${shellQuote(JSON.stringify({ spec: { service: { port: only } } }))}`
          : 'set the APIService’s spec.service.port to the Service’s https port',
      ),
    );
  }
  if (checks.length === 0)
    checks.push(ok('service', subject, `${b.service.spec?.type ?? 'ClusterIP'} with port ${ports.map((p) => p.port).join(', ')}`));
  return [...checks, endpointsCheck(b)];
}

function endpointsCheck(b: Backend): Check {
  const subject = `service/${b.namespace}/${b.name}`;
  const spec = b.service?.spec ?? {};
  if (spec.type === 'ExternalName')
    return ok('endpoints', subject, `ExternalName ${spec.externalName}: the aggregator dials that name, no endpoints to check`);
  const ready = [...b.endpoints.values()].flat();
  const selector = spec.selector as Record<string, string> | undefined;
  if (ready.length > 0)
    return ok('endpoints', subject, `${ready.length} ready endpoint(s): ${ready.map((e) => `${e.address}:${e.port}`).join(', ')}`);
  if (!selector || Object.keys(selector).length === 0) {
    return fail('endpoints', subject, 'has no selector and no ready endpoints: nothing receives the aggregator’s requests');
  }
  const shown = JSON.stringify(selector);
  if (b.pods.length === 0) {
    const labels = b.workload?.spec?.selector?.matchLabels as Record<string, string> | undefined;
    if (b.workload && labels && !matches(selector, b.workload.spec?.template?.metadata?.labels)) {
      const patch = JSON.stringify([{ op: 'replace', path: '/spec/selector', value: labels }]);
      return fail(
        'endpoints',
        subject,
        `selector ${shown} matches no pod, and not the pod template of ${workloadRef(b.workload)} (labels ${JSON.stringify(b.workload.spec?.template?.metadata?.labels ?? {})})`,
        `kubectl patch service ${b.name} -n ${b.namespace} --type=json -p ${shellQuote(patch)}`,
      );
    }
    return fail(
      'endpoints',
      subject,
      `selector ${shown} matches no pod${b.workload ? ` (is ${workloadRef(b.workload)} scaled to 0, or its pods not created? kubectl describe ${workloadRef(b.workload)} -n ${b.namespace})` : ''}`,
      b.workload ? `kubectl describe ${workloadRef(b.workload)} -n ${b.namespace}` : 'install the workload that serves the API',
    );
  }
  const why = b.pods.map((p) => `${p.metadata.name}: ${podState(p)}`).join('; ');
  return fail(
    'endpoints',
    subject,
    `${b.pods.length} pod(s) match but none is a ready endpoint (${why})`,
    `kubectl logs -n ${b.namespace} ${b.pods[0]?.metadata.name} ; kubectl describe pod -n ${b.namespace} ${b.pods[0]?.metadata.name}`,
  );
}

/** Why a pod is not ready, in the words kubectl describe would use. */
function podState(p: Obj): string {
  const waiting = ((p.status?.containerStatuses as Obj[] | undefined) ?? []).map((c) => c.state?.waiting?.reason).find(Boolean);
  const ready = ((p.status?.conditions as Obj[] | undefined) ?? []).find((c) => c.type === 'Ready');
  return [
    p.status?.phase ?? 'Pending',
    waiting,
    ready && ready.status !== 'True' ? `not ready${ready.message ? `: ${ready.message}` : ''}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}
