/**
 * What serves an APIService: its Service and port, the workload whose pods the Service should select, those
 * pods, and the ready endpoints the aggregator may dial. Read once per Service; the checks only look.
 */
import { type APIService, DEFAULT_SERVICE_PORT } from './apiservices.js';
import type { Cluster, Obj } from '../server/cluster-client.js';

export interface Endpoint {
  address: string;
  port: number;
}

export interface Backend {
  namespace: string;
  name: string;
  apiServices: APIService[];
  service: Obj | undefined;
  /** The workload whose pod template the Service's selector should match (found by name if it matches none). */
  workload: Obj | undefined;
  /** Pods the Service's selector matches. */
  pods: Obj[];
  /** Ready endpoints per Service port name, from the Service's EndpointSlices. */
  endpoints: Map<string, Endpoint[]>;
}

export const serviceDNSName = (b: { namespace: string; name: string }): string => `${b.name}.${b.namespace}.svc`;

/** Groups APIServices by the Service they name. */
export function backendsOf(apiServices: APIService[]): Omit<Backend, 'service' | 'workload' | 'pods' | 'endpoints'>[] {
  const byKey = new Map<string, Omit<Backend, 'service' | 'workload' | 'pods' | 'endpoints'>>();
  for (const a of apiServices) {
    const svc = a.spec.service;
    if (!svc) continue;
    const key = `${svc.namespace}/${svc.name}`;
    const b = byKey.get(key) ?? { namespace: svc.namespace, name: svc.name, apiServices: [] };
    b.apiServices.push(a);
    byKey.set(key, b);
  }
  return [...byKey.values()];
}

export const apiServicePort = (a: APIService): number => a.spec.service?.port ?? DEFAULT_SERVICE_PORT;

const labelSelector = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export async function readBackend(cluster: Cluster, b: Omit<Backend, 'service' | 'workload' | 'pods' | 'endpoints'>): Promise<Backend> {
  const ns = encodeURIComponent(b.namespace);
  const service = await cluster.find(`/api/v1/namespaces/${ns}/services/${encodeURIComponent(b.name)}`);
  const selector = service?.spec?.selector as Record<string, string> | undefined;
  const [deployments, statefulSets, pods, slices] = await Promise.all([
    cluster.items(`/apis/apps/v1/namespaces/${ns}/deployments`),
    cluster.items(`/apis/apps/v1/namespaces/${ns}/statefulsets`),
    selector && Object.keys(selector).length > 0
      ? cluster.items(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(labelSelector(selector))}`)
      : Promise.resolve([]),
    cluster.items(
      `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${b.name}`)}`,
    ),
  ]);
  const workloads: Obj[] = [
    ...statefulSets.map((w) => ({ ...w, kind: 'StatefulSet' })),
    ...deployments.map((w) => ({ ...w, kind: 'Deployment' })),
  ];
  const workload =
    workloads.find((w) => matches(selector, w.spec?.template?.metadata?.labels)) ??
    workloads.find((w) => w.metadata.name === b.name) ??
    (workloads.length === 1 ? workloads[0] : undefined);
  const endpoints = new Map<string, Endpoint[]>();
  for (const slice of slices) {
    for (const port of (slice.ports as Obj[] | undefined) ?? []) {
      const list = endpoints.get(port.name ?? '') ?? [];
      for (const e of (slice.endpoints as Obj[] | undefined) ?? []) {
        // An endpoint whose readiness is unknown counts as ready, as the aggregator counts it.
        if (e.conditions?.ready === false) continue;
        for (const address of e.addresses as string[]) list.push({ address, port: port.port as number });
      }
      endpoints.set(port.name ?? '', list);
    }
  }
  return { ...b, service, workload, pods, endpoints };
}

/** `statefulset/name` or `deployment/name`, as kubectl names it. */
export const workloadRef = (w: Obj): string => `${(w.kind as string).toLowerCase()}/${w.metadata.name}`;
