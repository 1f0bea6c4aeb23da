/**
 * RequestInfo from the path and method, as `pkg/endpoints/request/requestinfo.go` resolves it: which verb,
 * API group and version, namespace, resource, subresource and name a request is about. Authorization and
 * audit read it, before the body is parsed.
 */
import type { FastifyInstance } from 'fastify';
import { type RequestInfo, setRequestInfo } from './context.js';

const API_PREFIXES = new Set(['api', 'apis']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
/** Verbs whose third path segment is not a subresource. */
const SPECIAL_VERBS_NO_SUBRESOURCES = new Set(['proxy']);
const VERB_OF_METHOD: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** A query flag as `?watch=` reads it: present and not `false` or `0`. */
export function isTruthy(value: string | null | undefined): boolean {
  return value !== null && value !== undefined && value !== 'false' && value !== '0';
}

export function newRequestInfo(method: string, url: string): RequestInfo {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  };
  // Every request runs this: the segments are walked by index rather than sliced, and the query is parsed
  // only for a collection get, the one case that reads it.
  const segments = path.split('/').filter((p) => p !== '');
  let at = 0;
  if (segments.length < 1 || !API_PREFIXES.has(segments[0] as string)) return info;
  info.apiPrefix = segments[at++] as string;
  if (info.apiPrefix === 'apis') {
    if (segments.length - at < 2) return info;
    info.apiGroup = segments[at++] as string;
  }
  if (segments.length - at < 1) return info;
  info.apiVersion = segments[at++] as string;
  if (segments.length - at < 1) return info;
  info.isResourceRequest = true;
  // Any other method on a resource has no verb, so no rule can allow it.
  info.verb = VERB_OF_METHOD[method.toUpperCase()] ?? '';
  if (segments[at] === 'watch') {
    info.verb = 'watch';
    at++;
  }
  if (segments[at] === 'namespaces' && segments.length - at > 1) {
    info.namespace = segments[at + 1] as string;
    if (segments.length - at > 2 && !NAMESPACE_SUBRESOURCES.has(segments[at + 2] as string)) at += 2;
  }
  const parts = segments.slice(at);
  info.parts = parts;
  if (parts.length >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.has(info.verb)) info.subresource = parts[2] as string;
  if (parts.length >= 2) info.name = parts[1] as string;
  if (parts.length >= 1) info.resource = parts[0] as string;
  if (!info.name && info.verb === 'get') {
    const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
    info.verb = isTruthy(query.get('watch')) ? 'watch' : 'list';
    // A single-object list or watch is about that object (`fieldSelector=metadata.name=<x>`).
    const m = /^metadata\.name==?([^,]+)$/.exec(query.get('fieldSelector') ?? '');
    if (m?.[1] && !/[/%]/.test(m[1]) && m[1] !== '.' && m[1] !== '..') info.name = m[1];
  }
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection';
  return info;
}

export function installRequestInfo(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    setRequestInfo(req, newRequestInfo(req.method, req.url));
  });
}
