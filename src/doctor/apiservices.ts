/**
 * The APIServices to diagnose and what their Available condition means. The reasons are the aggregator's
 * (k8s.io/kube-aggregator's availability controller), which say where it gave up, not why.
 */
import type { Cluster, Obj } from '../server/cluster-client.js';
import { type Check, fail, ok } from './report.js';

export interface APIService {
  metadata: { name: string };
  spec: {
    group: string;
    version: string;
    service?: { namespace: string; name: string; port?: number };
    caBundle?: string;
    insecureSkipTLSVerify?: boolean;
  };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** The port the aggregator dials when an APIService names none. */
export const DEFAULT_SERVICE_PORT = 443;

/** Every APIService served by a Service (local ones are kube-apiserver's own), or those named. */
export async function selectAPIServices(cluster: Cluster, names: string[], group: string | undefined): Promise<APIService[]> {
  const all = (await cluster.items('/apis/apiregistration.k8s.io/v1/apiservices')) as APIService[];
  const missing = names.filter((n) => !all.some((a) => a.metadata.name === n));
  if (missing.length > 0) throw new Error(`no APIService named ${missing.join(', ')}`);
  return all.filter(
    (a) => a.spec.service && (names.length === 0 || names.includes(a.metadata.name)) && (group === undefined || a.spec.group === group),
  );
}

const MEANING: Record<string, string> = {
  ServiceNotFound: 'the Service it names does not exist',
  ServiceAccessError: 'the aggregator could not read the Service',
  ServicePortError: 'the Service has no port of the number the APIService names',
  EndpointsNotFound: 'the Service has no Endpoints object',
  EndpointsAccessError: 'the aggregator could not read the Service’s endpoints',
  MissingEndpoints: 'the Service has no ready endpoint: no pod matches its selector, or none is ready',
  FailedDiscoveryCheck:
    'the aggregator reached the Service but its discovery request failed (TLS trust, the certificate’s name, a network policy, or the server’s answer)',
};

export function availabilityCheck(a: APIService): Check {
  const subject = `apiservice/${a.metadata.name}`;
  const available = a.status?.conditions?.find((c) => c.type === 'Available');
  if (!available)
    return fail(
      'apiservice',
      subject,
      'no Available condition yet: the aggregator has not checked it (is kube-apiserver’s aggregator running?)',
    );
  if (available.status === 'True') return ok('apiservice', subject, `Available (${available.message ?? available.reason ?? 'True'})`);
  const meaning = MEANING[available.reason ?? ''];
  return fail(
    'apiservice',
    subject,
    `not Available: ${available.reason}: ${available.message ?? ''}${meaning ? ` (${meaning}; the checks below say why)` : ''}`,
  );
}

/** The caBundle's certificates as PEM text (it is base64 of PEM in the API). */
export function caBundlePem(a: Obj): string {
  return a.spec?.caBundle ? Buffer.from(a.spec.caBundle as string, 'base64').toString('utf8') : '';
}
