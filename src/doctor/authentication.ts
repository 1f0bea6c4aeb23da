/**
 * kube-system/extension-apiserver-authentication, which kube-apiserver writes from its flags and every
 * extension apiserver reads: the front-proxy (requestheader) CA the aggregator's client certificate must chain
 * to, the names it may carry, and the client CA.
 */
import type { Cluster } from '../server/cluster-client.js';
import { type Check, fail, ok, warn } from './report.js';
import { parseBundle } from '../authentication/x509.js';
import { daysLeft, EXPIRY_WARNING_DAYS, fingerprint } from './serving-certificate.js';

const SUBJECT = 'configmap/kube-system/extension-apiserver-authentication';
const DOCS = 'https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/';

function caCheck(key: string, pem: string | undefined, now: Date, missing: () => Check): Check {
  if (!pem) return missing();
  const certs = parseBundle(pem);
  if (certs.length === 0) return fail('authentication', SUBJECT, `${key} holds no certificate`, `check kube-apiserver’s flags (${DOCS})`);
  const soonest = certs.reduce((a, c) => (new Date(c.validTo) < new Date(a.validTo) ? c : a));
  const days = daysLeft(soonest, now);
  const which = `${certs.length} CA(s): ${certs.map(fingerprint).join(', ')}`;
  if (days < 0)
    return fail(
      'authentication',
      SUBJECT,
      `${key}: a CA expired on ${soonest.validTo} (${which})`,
      'rotate the CA in kube-apiserver’s flags',
    );
  if (days < EXPIRY_WARNING_DAYS)
    return warn('authentication', SUBJECT, `${key}: a CA expires in ${days} days (${which})`, 'rotate the CA before it expires');
  return ok('authentication', SUBJECT, `${key}: ${which}, the soonest valid for ${days} more days`);
}

export interface AuthenticationConfig {
  /** The front-proxy CA(s) kube-apiserver publishes now, for comparing with what the server trusts. */
  requestheaderCAs: string | undefined;
}

export async function authenticationChecks(cluster: Cluster, now = new Date()): Promise<{ checks: Check[]; config: AuthenticationConfig }> {
  const cm = await cluster.find('/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication');
  if (!cm) {
    return {
      checks: [
        fail(
          'authentication',
          SUBJECT,
          'does not exist: kube-apiserver has not published its authentication configuration',
          `check kube-apiserver’s flags (${DOCS})`,
        ),
      ],
      config: { requestheaderCAs: undefined },
    };
  }
  const data = (cm.data ?? {}) as Record<string, string>;
  const checks = [
    caCheck('requestheader-client-ca-file', data['requestheader-client-ca-file'], now, () =>
      fail(
        'authentication',
        SUBJECT,
        'has no requestheader-client-ca-file: kube-apiserver runs without the aggregation layer’s front-proxy CA, so no extension apiserver can trust its requests',
        `start kube-apiserver with --requestheader-client-ca-file, --proxy-client-cert-file and --proxy-client-key-file (${DOCS})`,
      ),
    ),
    caCheck('client-ca-file', data['client-ca-file'], now, () =>
      warn(
        'authentication',
        SUBJECT,
        'has no client-ca-file: clients cannot authenticate to the server with certificates (tokens still work)',
      ),
    ),
  ];
  const names = data['requestheader-allowed-names'];
  const parsedNames = names ? (JSON.parse(names) as string[]) : [];
  checks.push(
    ok(
      'authentication',
      SUBJECT,
      parsedNames.length > 0
        ? `the aggregator's client certificate must be named one of ${parsedNames.join(', ')}`
        : 'any certificate of the front-proxy CA is accepted (requestheader-allowed-names is empty)',
    ),
  );
  return { checks, config: { requestheaderCAs: data['requestheader-client-ca-file'] } };
}
