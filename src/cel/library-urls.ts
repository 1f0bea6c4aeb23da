/**
 * The Kubernetes URL library (k8s.io/apiserver/pkg/cel/library/urls.go): `url`, `isURL` and the accessors
 * of `kubernetes.URL`. What is a URL is Go's `url.ParseRequestURI` (an absolute URI or an absolute path);
 * the components are those of Go's `url.Parse`, which drops the fragment ParseRequestURI would keep.
 */
import { type Environment, EvaluationError } from '@marcbachmann/cel-js';
import { goQuote } from '../apimachinery/go-format.js';
import { chargeCost } from './cost.js';

/** Go's `url.URL`, the parts the library reads or `String()` (its equality) depends on. */
export class URL {
  scheme = '';
  opaque = '';
  /** The userinfo as written, or undefined without an `@`. */
  user: string | undefined = undefined;
  host = '';
  /** Unescaped path, and the original spelling when it is not the default escaping (`RawPath`). */
  path = '';
  rawPath = '';
  rawQuery = '';
  forceQuery = false;
  omitHost = false;
  fragment = '';
}

class URLError extends Error {}

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

const isHex = (c: string): boolean => /^[0-9a-fA-F]$/.test(c);

/** Go's `shouldEscape` for one ASCII byte. */
function shouldEscape(c: number, mode: Mode): boolean {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9]/.test(ch)) return false;
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'userPassword':
        return '@/?:'.includes(ch);
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

/** Go's `unescape` over the string's UTF-8 bytes, with its errors. */
function unescapeURL(s: string, mode: Mode): string {
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]!) || !isHex(s[i + 2]!)) {
        throw new URLError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      const v = Number.parseInt(s.slice(i + 1, i + 3), 16);
      // RFC 3986 lets hosts %-encode only non-ASCII bytes; RFC 6874 adds %25 before a zone.
      if (mode === 'host' && v < 0x80 && s.slice(i, i + 3) !== '%25')
        throw new URLError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      if (mode === 'zone' && s.slice(i, i + 3) !== '%25' && v !== 0x20 && shouldEscape(v, 'host')) {
        throw new URLError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c.charCodeAt(0), mode)) {
        throw new URLError(`invalid character ${goQuote(c)} in host name`);
      }
      i++;
    }
  }
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] === '%') {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else if (s[i] === '+' && mode === 'queryComponent') {
      bytes.push(0x20);
      i++;
    } else {
      const cp = s.codePointAt(i)!;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go's `escape` in path mode: every byte `shouldEscape` names, as upper-case %XX. */
function escapePath(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b < 0x80 && !shouldEscape(b, 'path') ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const validOptionalPort = (port: string): boolean => port === '' || /^:[0-9]*$/.test(port);

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new URLError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${goQuote(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0)
      return unescapeURL(host.slice(0, zone), 'host') + unescapeURL(host.slice(zone, i), 'zone') + unescapeURL(host.slice(i), 'host');
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1 && !validOptionalPort(host.slice(i))) throw new URLError(`invalid port ${goQuote(host.slice(i))} after host`);
  }
  return unescapeURL(host, 'host');
}

function parseAuthority(url: URL, authority: string): void {
  const i = authority.lastIndexOf('@');
  url.host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return;
  const userinfo = authority.slice(0, i);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new URLError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  unescapeURL(colon < 0 ? userinfo : userinfo.slice(0, colon), 'userPassword');
  if (colon >= 0) unescapeURL(userinfo.slice(colon + 1), 'userPassword');
  url.user = userinfo;
}

/** Go's `stringContainsCTLByte`: ASCII controls are refused anywhere in a URL. */
const isControl = (c: string): boolean => c.charCodeAt(0) < 0x20 || c === '\x7f';

/** Go's unexported `parse`; `viaRequest` is ParseRequestURI's strictness. */
function parse(raw: string, viaRequest: boolean): URL {
  if (Array.from(raw).some(isControl)) throw new URLError('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw new URLError('empty url');
  const url = new URL();
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  let rest = raw;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*)?:/.exec(raw);
  if (m) {
    if (m[1] === undefined) throw new URLError('missing protocol scheme');
    url.scheme = m[1].toLowerCase();
    rest = raw.slice(m[0].length);
  }
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) [rest, url.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      // A rootless path after a scheme (`mailto:a@b`) is opaque, per RFC 3986.
      url.opaque = rest;
      return url;
    }
    if (viaRequest) throw new URLError('invalid URI for request');
    if (rest.split('/')[0]!.includes(':')) throw new URLError('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const authority = rest.slice(2);
    const slash = authority.indexOf('/');
    parseAuthority(url, slash < 0 ? authority : authority.slice(0, slash));
    rest = slash < 0 ? '' : authority.slice(slash);
  } else if (url.scheme !== '' && rest.startsWith('/')) {
    url.omitHost = true;
  }
  url.path = unescapeURL(rest, 'path');
  url.rawPath = escapePath(url.path) === rest ? '' : rest;
  return url;
}

/** Go's `*url.Error` text: `parse "<url>": <reason>`. */
function parseError(raw: string, err: unknown): never {
  if (err instanceof URLError) throw new URLError(`parse ${goQuote(raw)}: ${err.message}`);
  throw err;
}

/** `url.ParseRequestURI`. */
export function parseRequestURI(raw: string): URL {
  try {
    return parse(raw, true);
  } catch (err) {
    return parseError(raw, err);
  }
}

/** `url.Parse`: the fragment cut off first, then checked on its own. */
function parseURL(raw: string): URL {
  const hash = raw.indexOf('#');
  const u = hash < 0 ? raw : raw.slice(0, hash);
  let url: URL;
  try {
    url = parse(u, false);
  } catch (err) {
    return parseError(u, err);
  }
  if (hash < 0) return url;
  try {
    url.fragment = unescapeURL(raw.slice(hash + 1), 'fragment');
    return url;
  } catch (err) {
    return parseError(raw, err);
  }
}

/** Go's `splitHostPort`, behind `Hostname()` and `Port()`. */
function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) [host, port] = [host.slice(0, colon), host.slice(colon + 1)];
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

/** Go's `validEncoded` in path mode: may RawPath be returned as it is. */
function validEncodedPath(s: string): boolean {
  for (const b of Buffer.from(s, 'utf8')) {
    if (`!$&'()*+,;=:@[]%`.includes(String.fromCharCode(b))) continue;
    if (b >= 0x80 || shouldEscape(b, 'path')) return false;
  }
  return true;
}

function escapedPath(u: URL): string {
  if (u.rawPath !== '' && validEncodedPath(u.rawPath)) {
    try {
      if (unescapeURL(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch {}
  }
  if (u.path === '*') return '*';
  return escapePath(u.path);
}

/** `url.ParseQuery`, its errors ignored as `URL.Query()` does: bad pairs are skipped. */
function query(rawQuery: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    try {
      const key = unescapeURL(eq < 0 ? pair : pair.slice(0, eq), 'queryComponent');
      const value = unescapeURL(eq < 0 ? '' : pair.slice(eq + 1), 'queryComponent');
      values.set(key, [...(values.get(key) ?? []), value]);
    } catch {}
  }
  return values;
}

/**
 * Upstream compares `String()`s, a rendering of these parts; comparing the parts themselves (the path as
 * `EscapedPath` renders it) gives the same answer without re-rendering.
 */
function urlEquals(a: URL, b: URL): boolean {
  return (
    a.scheme === b.scheme &&
    a.opaque === b.opaque &&
    a.user === b.user &&
    a.host === b.host &&
    escapedPath(a) === escapedPath(b) &&
    a.rawQuery === b.rawQuery &&
    a.forceQuery === b.forceQuery &&
    a.omitHost === b.omitHost &&
    a.fragment === b.fragment
  );
}

const chargeParse = (s: string): void => chargeCost(Math.ceil(s.length * 0.1));

export function registerURLLibrary(env: Environment): void {
  env.registerType('kubernetes.URL', URL);
  env.registerOperator('kubernetes.URL == kubernetes.URL', (a: URL, b: URL) => {
    chargeCost(1);
    return urlEquals(a, b);
  });
  env.registerFunction('url(string): kubernetes.URL', (s: string) => {
    chargeParse(s);
    try {
      parseRequestURI(s);
      return parseURL(s);
    } catch (err) {
      if (err instanceof URLError) throw new EvaluationError(`URL parse error during conversion from string: ${err.message}`);
      throw err;
    }
  });
  env.registerFunction('isURL(string): bool', (s: string) => {
    chargeParse(s);
    try {
      parseRequestURI(s);
      return true;
    } catch (err) {
      if (err instanceof URLError) return false;
      throw err;
    }
  });
  const accessor = (name: string, ret: string, fn: (u: URL) => unknown) =>
    env.registerFunction(`kubernetes.URL.${name}(): ${ret}`, (u: URL) => {
      chargeCost(1);
      return fn(u);
    });
  accessor('getScheme', 'string', (u) => u.scheme);
  accessor('getHost', 'string', (u) => u.host);
  accessor('getHostname', 'string', (u) => splitHostPort(u.host)[0]);
  accessor('getPort', 'string', (u) => splitHostPort(u.host)[1]);
  accessor('getEscapedPath', 'string', escapedPath);
  accessor('getQuery', 'map<string, list<string>>', (u) => query(u.rawQuery));
}
