/**
 * Client-certificate authentication (`pkg/authentication/request/x509`): the peer's chain must verify against
 * the given CA bundle, be valid now and allow client auth; then CN is the user and O the groups.
 * The TLS layer only requests certificates; trust is decided here, per authenticator, so that a
 * certificate from one CA can never speak for another's purpose.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import type { Authenticator } from './authenticator.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

export class CertificateError extends Error {}

/** The peer's certificates, leaf first, as the TLS handshake presented them. */
export function peerChain(req: FastifyRequest): X509Certificate[] {
  const socket = connectionOf(req);
  if (typeof socket.getPeerCertificate !== 'function') return [];
  const chain: X509Certificate[] = [];
  let cur = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cur?.raw && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    chain.push(new X509Certificate(cur.raw));
    cur = cur.issuerCertificate;
  }
  return chain;
}

export function parseBundle(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((c) => new X509Certificate(c));
}

function validNow(c: X509Certificate, now: number): boolean {
  return Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
}

/** Verifies `chain` (leaf first, intermediates after) up to one of `roots`; throws why not. */
export function verifyChain(chain: X509Certificate[], roots: X509Certificate[], now = Date.now()): X509Certificate {
  const [leaf, ...intermediates] = chain;
  if (!leaf) throw new CertificateError('no client certificate');
  if (!validNow(leaf, now))
    throw new CertificateError(
      `x509: certificate has expired or is not yet valid: current time ${new Date(now).toISOString()} is outside ${leaf.validFrom} - ${leaf.validTo}`,
    );
  const usages = leaf.keyUsage;
  if (usages && usages.length > 0 && !usages.includes(CLIENT_AUTH))
    throw new CertificateError('x509: certificate specifies an incompatible key usage');
  let current = leaf;
  for (let depth = 0; depth < 8; depth++) {
    const root = roots.find((r) => validNow(r, now) && current.checkIssued(r) && current.verify(r.publicKey));
    if (root) return leaf;
    const next = intermediates.find((c) => c.ca && validNow(c, now) && current.checkIssued(c) && current.verify(c.publicKey));
    if (!next) break;
    current = next;
  }
  throw new CertificateError('x509: certificate signed by unknown authority');
}

const namesOf = new WeakMap<X509Certificate, { commonName: string; organizations: string[] }>();

/**
 * CN and O values of a subject as Node renders it (`CN=alice\nO=dev\nO=ops`). Kept per certificate object:
 * a connection's verified leaf is the same object for each of its requests.
 */
export function subjectNames(cert: X509Certificate): { commonName: string; organizations: string[] } {
  const known = namesOf.get(cert);
  if (known) return known;
  let commonName = '';
  const organizations: string[] = [];
  for (const line of cert.subject.split('\n')) {
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'CN') commonName = value;
    if (key === 'O') organizations.push(value);
  }
  const names = { commonName, organizations };
  namesOf.set(cert, names);
  return names;
}

interface Verified {
  validTo: number;
  leaf?: X509Certificate;
  error?: Error;
}

/** The TLS socket a request came on: for HTTP/2, the session's (its streams' sockets are per-stream proxies). */
export function connectionOf(req: FastifyRequest): TLSSocket {
  const stream = (req.raw as { stream?: { session?: { socket?: TLSSocket } } }).stream;
  return stream?.session?.socket ?? (req.raw.socket as TLSSocket);
}

/** Per TLS socket, per CA bundle: the outcome of verifying the connection's certificate chain. */
const verifiedPeers = new WeakMap<object, WeakMap<X509Certificate[], Verified>>();

/**
 * The verified leaf certificate of the request's connection against `roots` (undefined when the client sent
 * none), or the verification error. A connection's certificate cannot change, so the outcome is kept per
 * socket for as long as the same bundle is in force and the certificate is valid: keep-alive requests skip
 * the signature checks, which measured as the largest per-request cost of authentication.
 */
export function verifiedPeer(req: FastifyRequest, roots: X509Certificate[]): X509Certificate | undefined {
  const socket = connectionOf(req);
  let bySocket = verifiedPeers.get(socket);
  if (!bySocket) {
    bySocket = new WeakMap();
    verifiedPeers.set(socket, bySocket);
  }
  let entry = bySocket.get(roots);
  if (!entry || Date.now() > entry.validTo) {
    const chain = peerChain(req);
    entry = { validTo: chain[0] ? Date.parse(chain[0].validTo) : Infinity };
    try {
      if (chain[0]) entry.leaf = verifyChain(chain, roots);
    } catch (err) {
      entry.error = err as Error;
    }
    bySocket.set(roots, entry);
  }
  if (entry.error) throw entry.error;
  return entry.leaf;
}

/** `caBundle` is read on every request, so a reloaded CA applies at once. */
export function x509Authenticator(caBundle: () => X509Certificate[]): Authenticator {
  return {
    async authenticate(req) {
      const leaf = verifiedPeer(req, caBundle());
      if (!leaf) return undefined;
      const { commonName, organizations } = subjectNames(leaf);
      if (!commonName) throw new CertificateError('x509: certificate has no common name');
      return { user: { name: commonName, groups: [...organizations], extra: {} } };
    },
  };
}
