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
  const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
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
  let parts = path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((p) => p !== '');
  if (parts.length < 1 || !API_PREFIXES.has(parts[0] as string)) return info;
  info.apiPrefix = parts[0] as string;
  parts = parts.slice(1);
  if (info.apiPrefix === 'apis') {
    if (parts.length < 2) return info;
    info.apiGroup = parts[0] as string;
    parts = parts.slice(1);
  }
  if (parts.length < 1) return info;
  info.apiVersion = parts[0] as string;
  parts = parts.slice(1);
  if (parts.length < 1) return info;
  info.isResourceRequest = true;
  // Any other method on a resource has no verb, so no rule can allow it.
  info.verb = VERB_OF_METHOD[method.toUpperCase()] ?? '';
  if (parts[0] === 'watch') {
    info.verb = 'watch';
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1] as string;
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] as string)) parts = parts.slice(2);
    }
  }
  info.parts = parts;
  if (parts.length >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.has(info.verb)) info.subresource = parts[2] as string;
  if (parts.length >= 2) info.name = parts[1] as string;
  if (parts.length >= 1) info.resource = parts[0] as string;
  if (!info.name && info.verb === 'get') {
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
