/**
 * Front-proxy authentication (`headerrequest/requestheader.go` behind `x509.Verifier`): a request's identity
 * headers are believed only when it carries a client certificate that verifies against the request-header
 * CA (never the client CA), allows client auth, and whose CN is an allowed name (any, when the list is
 * empty). Repeated group and extra headers are separate values; extra keys are lowercased and
 * percent-decoded.
 */
import type { X509Certificate } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { UserInfo } from '../endpoints/request/context.js';
import type { Authenticator } from './authenticator.js';
import { CertificateError, subjectNames, verifiedPeer } from './x509.js';

export interface RequestHeaderConfig {
  caBundle: X509Certificate[];
  allowedNames: string[];
  usernameHeaders: string[];
  uidHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
}

/**
 * Every header's values, one per occurrence, from the raw header list: the parsed headers join repeats with
 * ", ", which would turn two groups into one.
 */
function distinctHeaders(req: FastifyRequest): Map<string, string[]> {
  const raw = req.raw.rawHeaders;
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const list = out.get(name) ?? [];
    list.push(raw[i + 1] as string);
    out.set(name, list);
  }
  return out;
}

function first(headers: Map<string, string[]>, names: string[]): string {
  for (const n of names) {
    const v = headers.get(n.toLowerCase())?.find((x) => x.length > 0);
    if (v) return v;
  }
  return '';
}

/** The header names and prefixes to strip once the request is authenticated. */
export function identityHeaders(c: RequestHeaderConfig): { names: string[]; prefixes: string[] } {
  return { names: [...c.usernameHeaders, ...c.uidHeaders, ...c.groupHeaders], prefixes: c.extraHeaderPrefixes };
}

export function requestHeaderAuthenticator(config: () => RequestHeaderConfig | undefined): Authenticator {
  return {
    async authenticate(req) {
      const c = config();
      if (!c || c.caBundle.length === 0 || c.usernameHeaders.length === 0) return undefined;
      const leaf = verifiedPeer(req, c.caBundle);
      if (!leaf) return undefined;
      const { commonName } = subjectNames(leaf);
      if (c.allowedNames.length > 0 && !c.allowedNames.includes(commonName)) {
        throw new CertificateError(`x509: subject with cn=${commonName} is not in the allowed list`);
      }
      const headers = distinctHeaders(req);
      const name = first(headers, c.usernameHeaders);
      if (!name) return undefined;
      const user: UserInfo = { name, groups: [], extra: {} };
      const uid = first(headers, c.uidHeaders);
      if (uid) user.uid = uid;
      for (const h of c.groupHeaders) user.groups.push(...(headers.get(h.toLowerCase()) ?? []));
      const prefixes = c.extraHeaderPrefixes.map((p) => p.toLowerCase());
      for (const [header, vs] of headers) {
        const prefix = prefixes.find((p) => header.startsWith(p));
        if (!prefix || !vs) continue;
        let key = header.slice(prefix.length);
        try {
          key = decodeURIComponent(key);
        } catch {
          // A malformed escape keeps the raw key, as url.PathUnescape's caller does.
        }
        key = key.toLowerCase();
        user.extra[key] = [...(user.extra[key] ?? []), ...vs];
      }
      return { user };
    },
  };
}
