/**
 * The two bindings every extension apiserver needs, asked of the cluster's authorizer with a
 * SubjectAccessReview for the workload's ServiceAccount: what the server itself will be allowed, whatever
 * the bindings are named.
 */
import { type Backend, workloadRef } from './backend.js';
import { type Cluster, statusMessage } from '../server/cluster-client.js';
import { type Check, fail, ok, warn } from './report.js';

interface ResourceAttributes {
  group: string;
  resource: string;
  verb: string;
  namespace?: string;
  name?: string;
}

const AUTHENTICATION_CONFIGMAP = { namespace: 'kube-system', name: 'extension-apiserver-authentication' };

async function allowed(cluster: Cluster, user: string, groups: string[], attrs: ResourceAttributes): Promise<boolean> {
  const res = await cluster.post('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user, groups, resourceAttributes: attrs },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`SubjectAccessReview: ${res.status}: ${statusMessage(res)}`);
  return res.body?.status?.allowed === true;
}

export async function rbacChecks(cluster: Cluster, b: Backend): Promise<Check[]> {
  if (!b.workload)
    return [
      warn(
        'rbac',
        `service/${b.namespace}/${b.name}`,
        'no workload found in the namespace: its ServiceAccount’s bindings were not checked',
      ),
    ];
  const sa = (b.workload.spec?.template?.spec?.serviceAccountName as string | undefined) ?? 'default';
  const user = `system:serviceaccount:${b.namespace}:${sa}`;
  const groups = ['system:serviceaccounts', `system:serviceaccounts:${b.namespace}`, 'system:authenticated'];
  const subject = `serviceaccount/${b.namespace}/${sa}`;
  const delegator = (
    await Promise.all([
      allowed(cluster, user, groups, { group: 'authentication.k8s.io', resource: 'tokenreviews', verb: 'create' }),
      allowed(cluster, user, groups, { group: 'authorization.k8s.io', resource: 'subjectaccessreviews', verb: 'create' }),
    ])
  ).every(Boolean);
  const reader = (
    await Promise.all(
      ['get', 'list', 'watch'].map((verb) =>
        allowed(cluster, user, groups, { group: '', resource: 'configmaps', verb, ...AUTHENTICATION_CONFIGMAP }),
      ),
    )
  ).every(Boolean);
  const of = `(${workloadRef(b.workload)} runs as it)`;
  return [
    delegator
      ? ok('rbac', subject, `may create TokenReviews and SubjectAccessReviews (system:auth-delegator) ${of}`)
      : fail(
          'rbac',
          subject,
          `may not create TokenReviews and SubjectAccessReviews: it needs the ClusterRole system:auth-delegator, or every request it serves fails ${of}`,
          `kubectl create clusterrolebinding ${sa}-${b.namespace}:system:auth-delegator --clusterrole=system:auth-delegator --serviceaccount=${b.namespace}:${sa}`,
        ),
    reader
      ? ok('rbac', subject, `may read kube-system/extension-apiserver-authentication (extension-apiserver-authentication-reader) ${of}`)
      : fail(
          'rbac',
          subject,
          `may not get, list and watch ConfigMap kube-system/extension-apiserver-authentication: it needs the Role extension-apiserver-authentication-reader in kube-system, or it cannot trust the aggregator ${of}`,
          `kubectl create rolebinding ${sa}-${b.namespace}-auth-reader -n kube-system --role=extension-apiserver-authentication-reader --serviceaccount=${b.namespace}:${sa}`,
        ),
  ];
}
