/**
 * Whether a request is long-running (k8s.io/apiserver's `BasicLongRunningRequestCheck` with kube-apiserver's
 * sets: the verbs watch and proxy, the subresources attach, exec, proxy, log and portforward). Long-running
 * requests are not counted by the in-flight limits, get no request timeout, and leave Fastify's lifecycle
 * (they hijack the reply), so metrics and audit complete them when their connection closes. One predicate,
 * decided from the RequestInfo, for every stage that asks.
 */
import type { RequestInfo } from './context.js';

const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

export function isLongRunning(info: RequestInfo | undefined): boolean {
  if (!info) return false;
  return LONG_RUNNING_VERBS.has(info.verb) || (info.isResourceRequest && LONG_RUNNING_SUBRESOURCES.has(info.subresource));
}
