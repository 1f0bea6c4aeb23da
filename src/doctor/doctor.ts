/**
 * `doctor`: every check, in the order an operator would follow them when an APIService is not Available,
 * from the APIService down to the Service, its endpoints, the certificate, the server's permissions and
 * trust, and up again to discovery as kubectl sees it.
 */
import { availabilityCheck, selectAPIServices } from './apiservices.js';
import { authenticationChecks } from './authentication.js';
import { type Backend, backendsOf, matches, readBackend } from './backend.js';
import type { Cluster, Obj } from '../server/cluster-client.js';
import { rbacChecks } from './rbac.js';
import { type Check, fail, type Report, reportOf, warn } from './report.js';
import { discoveryCheck, kubectlCacheCheck, readinessCheck, versionCheck } from './server-view.js';
import { serviceChecks } from './service.js';
import { certificateChecks, readServingCertificate } from './serving-certificate.js';

export interface DoctorOptions {
  /** APIService names; empty: every APIService served by a Service. */
  apiServices: string[];
  group?: string;
  env?: NodeJS.ProcessEnv;
}

export async function diagnose(cluster: Cluster, opts: DoctorOptions): Promise<Report> {
  const apiServices = await selectAPIServices(cluster, opts.apiServices, opts.group);
  if (apiServices.length === 0)
    return reportOf([fail('apiservice', '*', 'no APIService served by a Service was found', 'install the chart or deploy/')]);
  const checks: Check[] = apiServices.map(availabilityCheck);
  const backends = await Promise.all(backendsOf(apiServices).map((b) => readBackend(cluster, b)));
  for (const b of backends) {
    checks.push(...serviceChecks(b));
    const { cert, problem } = await readServingCertificate(cluster, b);
    if (problem) checks.push(await connectionCheck(cluster, b, problem, cert !== undefined));
    if (cert) checks.push(...certificateChecks(b, cert));
    checks.push(...(await rbacChecks(cluster, b)));
  }
  checks.push(...(await authenticationChecks(cluster)).checks);
  for (const b of backends) {
    if (b.service) checks.push(await readinessCheck(cluster, b));
    for (const a of b.apiServices) {
      const { check, resources } = await discoveryCheck(cluster, a, b);
      checks.push(check);
      const cache = resources ? await kubectlCacheCheck(cluster, a, resources, opts.env) : undefined;
      if (cache) checks.push(cache);
    }
  }
  checks.push(await versionCheck(cluster, backends));
  return reportOf(checks);
}

/**
 * A server that does not answer where the aggregator dials it: a NetworkPolicy selecting its pods is the
 * usual cause when the pods are ready.
 */
async function connectionCheck(cluster: Cluster, b: Backend, problem: string, haveSecret: boolean): Promise<Check> {
  const subject = `service/${b.namespace}/${b.name}`;
  const labels = (b.pods[0]?.metadata?.labels ?? b.workload?.spec?.template?.metadata?.labels) as Record<string, string> | undefined;
  const policies = (
    await cluster.items(`/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(b.namespace)}/networkpolicies`).catch(() => [])
  ).filter((p: Obj) => {
    const selector = (p.spec?.podSelector?.matchLabels ?? {}) as Record<string, string>;
    return Object.keys(selector).length === 0 || matches(selector, labels);
  });
  const hint =
    policies.length > 0
      ? `; NetworkPolicies selecting its pods: ${policies.map((p: Obj) => p.metadata.name).join(', ')} (they must admit kube-apiserver on the serving port)`
      : '';
  const message = `${problem}${haveSecret ? ' (the certificate below is read from the Secret instead)' : ''}${hint}`;
  return /no TLS handshake|ETIMEDOUT|EHOSTUNREACH|ECONNREFUSED/.test(problem)
    ? fail('connection', subject, message)
    : warn('connection', subject, message);
}
