/**
 * The serving certificate as the aggregator sees it: fetched over TLS from an endpoint it would dial (or read
 * from the workload's Secret when none answers), then checked as the aggregator checks it: dates, the name
 * `<service>.<namespace>.svc`, and a chain to each APIService's caBundle.
 */
import { X509Certificate } from 'node:crypto';
import { connect, type PeerCertificate } from 'node:tls';
import { parseBundle } from '../authentication/x509.js';
import { type APIService, caBundlePem } from './apiservices.js';
import { type Backend, apiServicePort, serviceDNSName } from './backend.js';
import type { Cluster, Obj } from '../server/cluster-client.js';
import { type Check, fail, ok, warn } from './report.js';

const DAY_MS = 86_400_000;
/** Days before expiry from which a certificate is a warning (the chart's alert uses the same). */
export const EXPIRY_WARNING_DAYS = 30;

export interface ServingCertificate {
  /** Leaf first, then the intermediates the server sent. */
  chain: X509Certificate[];
  /** Where it came from: `10.0.0.5:8443` or `secret/ns/name`. */
  source: string;
  /** The Secret that holds it, for the fix commands (its ca.crt, if any). */
  secret?: Obj;
}

/** Whole days until `cert` expires (negative once it has). */
export function daysLeft(cert: X509Certificate, now: Date): number {
  return Math.floor((new Date(cert.validTo).getTime() - now.getTime()) / DAY_MS);
}

/** The certificate chain a TLS server presents for `servername`, without trusting it. */
export function fetchChain(host: string, port: number, servername: string, timeoutMs = 5000): Promise<X509Certificate[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs / 1000}s`)));
    socket.once('secureConnect', () => {
      const chain: X509Certificate[] = [];
      let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
      while (cert?.raw && !chain.some((c) => c.raw.equals(cert?.raw as Buffer))) {
        chain.push(new X509Certificate(cert.raw));
        cert = (cert as { issuerCertificate?: PeerCertificate }).issuerCertificate;
      }
      socket.end();
      resolve(chain);
    });
    socket.once('error', reject);
  });
}

/** Where the aggregator would dial for `a`: the ExternalName, else a ready endpoint of the Service's port. */
export function dialTarget(b: Backend, a: APIService): { host: string; port: number } | undefined {
  const spec = b.service?.spec;
  if (!spec) return undefined;
  if (spec.type === 'ExternalName') return { host: spec.externalName as string, port: apiServicePort(a) };
  const port = ((spec.ports as Obj[] | undefined) ?? []).find((p) => p.port === apiServicePort(a));
  const endpoint = port ? b.endpoints.get(port.name ?? '')?.[0] : undefined;
  return endpoint ? { host: endpoint.address, port: endpoint.port } : undefined;
}

/** The workload's Secret volume that holds a tls.crt. */
async function servingSecret(cluster: Cluster, b: Backend): Promise<Obj | undefined> {
  const volumes = (b.workload?.spec?.template?.spec?.volumes as Obj[] | undefined) ?? [];
  for (const v of volumes) {
    if (!v.secret?.secretName) continue;
    const secret = await cluster.find(
      `/api/v1/namespaces/${encodeURIComponent(b.namespace)}/secrets/${encodeURIComponent(v.secret.secretName)}`,
    );
    if (secret?.data?.['tls.crt']) return secret;
  }
  return undefined;
}

export async function readServingCertificate(cluster: Cluster, b: Backend): Promise<{ cert?: ServingCertificate; problem?: string }> {
  const secret = await servingSecret(cluster, b).catch(() => undefined);
  const first = b.apiServices[0];
  const target = first ? dialTarget(b, first) : undefined;
  let problem: string | undefined;
  if (target) {
    try {
      const chain = await fetchChain(target.host, target.port, serviceDNSName(b));
      if (chain.length > 0) return { cert: { chain, source: `${target.host}:${target.port}`, secret } };
      problem = `${target.host}:${target.port} sent no certificate`;
    } catch (err) {
      problem = `cannot connect to ${target.host}:${target.port}: ${(err as Error).message}`;
    }
  }
  if (secret) {
    const chain = parseBundle(Buffer.from(secret.data['tls.crt'] as string, 'base64').toString('utf8'));
    if (chain.length > 0) return { cert: { chain, source: `secret/${b.namespace}/${secret.metadata.name}`, secret }, problem };
  }
  return { problem: problem ?? 'no ready endpoint to fetch it from and no Secret with a tls.crt in the workload' };
}

/** Whether `leaf` chains to one of `roots` through the certificates the server sent. */
export function chainsTo(chain: X509Certificate[], roots: X509Certificate[]): boolean {
  let current = chain[0];
  for (let hops = 0; current && hops <= chain.length; hops++) {
    const c = current;
    if (roots.some((r) => r.raw.equals(c.raw) || (c.checkIssued(r) && c.verify(r.publicKey)))) return true;
    current = chain.find((n) => n !== c && c.checkIssued(n) && c.verify(n.publicKey));
  }
  return false;
}

export const fingerprint = (c: X509Certificate): string => c.fingerprint256.replace(/:/g, '').slice(0, 16).toLowerCase();

function renewFix(b: Backend, cert: ServingCertificate): string {
  const dns = serviceDNSName(b);
  const where = cert.secret ? `secret/${cert.secret.metadata.name} in ${b.namespace}` : 'the serving certificate';
  return `issue a new certificate for DNS:${dns} from the CA in the APIServices' caBundle and store it in ${where} (deploy/: new tls/tls.crt and tls.key, then kubectl apply -k deploy/; the chart: helm upgrade, or cmctl renew with cert-manager); the server reloads it without a restart`;
}

export function certificateChecks(b: Backend, cert: ServingCertificate, now = new Date()): Check[] {
  const leaf = cert.chain[0] as X509Certificate;
  const subject = `certificate/${b.namespace}/${b.name}`;
  const from = `(from ${cert.source})`;
  const checks: Check[] = [];
  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  const days = daysLeft(leaf, now);
  if (now < notBefore) checks.push(fail('certificate', subject, `not valid before ${notBefore.toISOString()} ${from}`, renewFix(b, cert)));
  else if (now > notAfter) checks.push(fail('certificate', subject, `expired on ${notAfter.toISOString()} ${from}`, renewFix(b, cert)));
  else if (days < EXPIRY_WARNING_DAYS)
    checks.push(warn('certificate', subject, `expires in ${days} days, on ${notAfter.toISOString()} ${from}`, renewFix(b, cert)));
  else checks.push(ok('certificate', subject, `valid until ${notAfter.toISOString()} (${days} days left) ${from}`));

  const dns = serviceDNSName(b);
  if (leaf.checkHost(dns)) checks.push(ok('certificate', subject, `names ${dns}, the name the aggregator checks`));
  else {
    checks.push(
      fail(
        'certificate',
        subject,
        `does not name ${dns}, the name the aggregator checks it against (its names: ${leaf.subjectAltName ?? `none; subject ${leaf.subject.replace(/\n/g, ', ')}`}) ${from}`,
        renewFix(b, cert),
      ),
    );
  }

  for (const a of b.apiServices) {
    const apiSubject = `apiservice/${a.metadata.name}`;
    if (a.spec.insecureSkipTLSVerify) {
      checks.push(
        warn(
          'certificate',
          apiSubject,
          'insecureSkipTLSVerify: the aggregator does not verify the server at all',
          'set spec.caBundle and remove insecureSkipTLSVerify',
        ),
      );
      continue;
    }
    const roots = parseBundle(caBundlePem(a));
    if (chainsTo(cert.chain, roots)) {
      checks.push(ok('certificate', apiSubject, `caBundle (${roots.map(fingerprint).join(', ')}) verifies the serving certificate`));
      continue;
    }
    checks.push(
      fail(
        'certificate',
        apiSubject,
        roots.length === 0
          ? 'caBundle is empty: the aggregator cannot verify the serving certificate'
          : `caBundle (${roots.map((r) => `${r.subject.replace(/\n/g, ', ')} ${fingerprint(r)}`).join('; ')}) did not issue the serving certificate (issuer ${leaf.issuer.replace(/\n/g, ', ')}) ${from}`,
        caBundleFix(a, b, cert),
      ),
    );
  }
  return checks;
}

function caBundleFix(a: APIService, b: Backend, cert: ServingCertificate): string {
  const secretCA = cert.secret?.data?.['ca.crt'] as string | undefined;
  if (secretCA && chainsTo(cert.chain, parseBundle(Buffer.from(secretCA, 'base64').toString('utf8')))) {
    const name = cert.secret?.metadata.name as string;
    return `kubectl patch apiservice ${a.metadata.name} --type=merge -p "{\\"spec\\":{\\"caBundle\\":\\"$(kubectl get secret ${name} -n ${b.namespace} -o jsonpath='{.data.ca\\.crt}')\\"}}"`;
  }
  return `set spec.caBundle of apiservice/${a.metadata.name} to the base64 PEM of the CA that issued the serving certificate (${cert.chain[0]?.issuer.replace(/\n/g, ', ')})`;
}
