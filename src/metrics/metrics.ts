/**
 * Prometheus metrics with kube-apiserver's names (`pkg/endpoints/metrics`, `pkg/authentication`,
 * `pkg/authorization`), one registry per server. Served at `/metrics`, which is authorized like any other
 * non-resource path (RBAC's `nonResourceURLs: ["/metrics"]`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { requestInfoFrom, requestSlot } from '../endpoints/request/context.js';
import { isLongRunning } from '../endpoints/request/long-running.js';

const DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
const REQUEST_LABELS = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    labelNames: [...REQUEST_LABELS, 'code'],
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component.',
    labelNames: [...REQUEST_LABELS],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly inflight = new Gauge({
    name: 'apiserver_current_inflight_requests',
    help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
    labelNames: ['request_kind'],
    registers: [this.registry],
  });
  readonly authnRequests = new Counter({
    name: 'apiserver_delegated_authn_request_total',
    help: 'Number of HTTP requests partitioned by status code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly authnDuration = new Histogram({
    name: 'apiserver_delegated_authn_request_duration_seconds',
    help: 'Request latency in seconds. Broken down by status code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly authzRequests = new Counter({
    name: 'apiserver_delegated_authz_request_total',
    help: 'Number of HTTP requests partitioned by status code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly authzDuration = new Histogram({
    name: 'apiserver_delegated_authz_request_duration_seconds',
    help: 'Request latency in seconds. Broken down by status code.',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly tokenCache = new Counter({
    name: 'apiserver_authentication_token_cache_request_total',
    help: 'Token reviews answered from the cache (hit) or by the kube-apiserver (miss).',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly authzCache = new Counter({
    name: 'apiserver_authorization_webhook_cache_request_total',
    help: 'SubjectAccessReview decisions answered from the cache (hit), by a review in flight (shared) or by a new review (miss).',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly auditEvents = new Counter({
    name: 'apiserver_audit_event_total',
    help: 'Counter of audit events generated and sent to the audit backend.',
    registers: [this.registry],
  });
  readonly auditErrors = new Counter({
    name: 'apiserver_audit_error_total',
    help: 'Counter of audit events that failed to be audited properly.',
    labelNames: ['plugin'],
    registers: [this.registry],
  });

  /** Times a call to the kube-apiserver into a request counter and histogram by status code. */
  async timeReview<T>(counter: Counter<'code'>, histogram: Histogram<'code'>, call: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    let code = '200';
    try {
      return await call();
    } catch (err) {
      code = String((err as { code?: number; statusCode?: number }).code ?? (err as { statusCode?: number }).statusCode ?? '<error>');
      throw err;
    } finally {
      counter.inc({ code });
      histogram.observe({ code }, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }
}

/** When the request started, and whether it was counted yet (a long-running one may end twice). */
const timing = requestSlot<{ start: bigint; observed: boolean }>();

export function installMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRequest', async (req, reply) => {
    timing.set(req, { start: process.hrtime.bigint(), observed: false });
    // A long-running request writes its own stream: Fastify's onResponse comes when it ends, but a client that
    // goes first ends it with the connection; whichever comes first counts it, once.
    if (isLongRunning(requestInfoFrom(req))) reply.raw.once('close', () => observe(req, reply.raw.statusCode));
  });
  app.addHook('onResponse', async (req, reply) => {
    observe(req, reply.statusCode);
  });
  const observe = (req: FastifyRequest, statusCode: number): void => {
    const t = timing.get(req);
    if (t?.observed) return;
    if (t) t.observed = true;
    const info = requestInfoFrom(req);
    const start = t?.start;
    const labels = {
      verb: (info?.verb ?? req.method).toUpperCase(),
      group: info?.apiGroup ?? '',
      version: info?.apiVersion ?? '',
      resource: info?.resource ?? '',
      subresource: info?.subresource ?? '',
      scope: !info?.isResourceRequest ? '' : info.name ? 'resource' : info.namespace ? 'namespace' : 'cluster',
      component: 'apiserver',
    };
    metrics.requests.inc({ ...labels, code: String(statusCode) });
    if (start !== undefined) metrics.duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  };
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
}
