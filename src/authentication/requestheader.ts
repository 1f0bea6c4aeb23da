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
 * A config's header names and prefixes, lowercased once per config rather than on every request. Kept by the
 * config object: a reloaded ConfigMap is a new one (trustFrom), so changed headers apply at once.
 */
interface Prepared {
  usernames: string[];
  uids: string[];
  groups: string[];
  prefixes: string[];
  names: Set<string>;
  /** What the authentication filter strips once the request is authenticated. */
  identity: { names: string[]; prefixes: string[] };
}

const prepared = new WeakMap<RequestHeaderConfig, Prepared>();

function prepare(c: RequestHeaderConfig): Prepared {
  let p = prepared.get(c);
  if (!p) {
    const lower = (xs: string[]): string[] => xs.map((x) => x.toLowerCase());
    const [usernames, uids, groups, prefixes] = [
      lower(c.usernameHeaders),
      lower(c.uidHeaders),
      lower(c.groupHeaders),
      lower(c.extraHeaderPrefixes),
    ];
    const names = new Set([...usernames, ...uids, ...groups]);
    p = { usernames, uids, groups, prefixes, names, identity: { names: [...names], prefixes } };
    prepared.set(c, p);
  }
  return p;
}

/**
 * The identity headers' values, one per occurrence, from the raw header list (the parsed headers join
 * repeats with ", ", which would turn two groups into one), in the order each header first appears.
 */
function identityValues(req: FastifyRequest, p: Prepared): Map<string, string[]> {
  const raw = req.raw.rawHeaders;
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (!p.names.has(name) && !p.prefixes.some((prefix) => name.startsWith(prefix))) continue;
    const list = out.get(name);
    if (list) list.push(raw[i + 1] as string);
    else out.set(name, [raw[i + 1] as string]);
  }
  return out;
}

function first(headers: Map<string, string[]>, names: string[]): string {
  for (const n of names) {
    const v = headers.get(n)?.find((x) => x.length > 0);
    if (v) return v;
  }
  return '';
}

/** The header names and prefixes to strip once the request is authenticated, lowercased. */
export function identityHeaders(c: RequestHeaderConfig): { names: string[]; prefixes: string[] } {
  return prepare(c).identity;
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
      const p = prepare(c);
      const headers = identityValues(req, p);
      const name = first(headers, p.usernames);
      if (!name) return undefined;
      const user: UserInfo = { name, groups: [], extra: {} };
      const uid = first(headers, p.uids);
      if (uid) user.uid = uid;
      for (const h of p.groups) user.groups.push(...(headers.get(h) ?? []));
      for (const [header, vs] of headers) {
        const prefix = p.prefixes.find((prefix) => header.startsWith(prefix));
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
