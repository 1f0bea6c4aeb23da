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

/** Every value of a header, one per occurrence (Node would join repeats with ", "). */
function values(req: FastifyRequest, name: string): string[] {
  return req.raw.headersDistinct[name.toLowerCase()] ?? [];
}

function first(req: FastifyRequest, names: string[]): string {
  for (const n of names) {
    const v = values(req, n).find((x) => x.length > 0);
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
      const name = first(req, c.usernameHeaders);
      if (!name) return undefined;
      const user: UserInfo = { name, groups: [], extra: {} };
      const uid = first(req, c.uidHeaders);
      if (uid) user.uid = uid;
      for (const h of c.groupHeaders) user.groups.push(...values(req, h));
      const prefixes = c.extraHeaderPrefixes.map((p) => p.toLowerCase());
      for (const [header, vs] of Object.entries(req.raw.headersDistinct)) {
        const prefix = prefixes.find((p) => header.startsWith(p));
        if (!prefix || !vs) continue;
        let key = header.slice(prefix.length);
        try {
          key = decodeURIComponent(key);
        } catch {
          // A malformed escape keeps the raw key, as url.PathUnescape's caller does.
        }
        key = key.toLowerCase();
        (user.extra[key] ??= []).push(...vs);
      }
      return { user };
    },
  };
}
