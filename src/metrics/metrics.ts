/**
 * Prometheus metrics with kube-apiserver's names (`pkg/endpoints/metrics`, `pkg/authentication`,
 * `pkg/authorization`), one registry per server. Served at `/metrics`, which is authorized like any other
 * non-resource path (RBAC's `nonResourceURLs: ["/metrics"]`).
 */
import type { X509Certificate } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { requestInfoFrom, requestSlot } from '../endpoints/request/context.js';
import { isLongRunning } from '../endpoints/request/long-running.js';
import { isStorageFailure } from '../registry/storage-errors.js';
import { RequestCounter, RequestHistogram } from './request-series.js';

const DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
const REQUEST_LABELS = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;

/** The certificates one `certificate` label names, as they are now (a rotation shows at the next scrape). */
export type CertificateSource = () => readonly X509Certificate[];

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new RequestCounter(
    'apiserver_request_total',
    'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    [...REQUEST_LABELS, 'code'],
    this.registry,
  );
  readonly duration = new RequestHistogram(
    'apiserver_request_duration_seconds',
    'Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component.',
    REQUEST_LABELS,
    DURATION_BUCKETS,
    this.registry,
  );
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
  readonly tokenCache = new RequestCounter(
    'apiserver_authentication_token_cache_request_total',
    'Token reviews answered from the cache (hit) or by the kube-apiserver (miss).',
    ['status'],
    this.registry,
  );
  readonly authzCache = new RequestCounter(
    'apiserver_authorization_webhook_cache_request_total',
    'SubjectAccessReview decisions answered from the cache (hit), by a review in flight (shared) or by a new review (miss).',
    ['status'],
    this.registry,
  );
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

  readonly storageErrors = new Counter({
    name: 'apiserver_storage_request_errors_total',
    help: 'Number of requests that failed because storage did (unavailable, or an unexpected error), by the request verb, group and resource.',
    labelNames: ['verb', 'group', 'resource'],
    registers: [this.registry],
  });
  private readonly certificateSources = new Map<string, CertificateSource>();
  // A collected gauge: read at each scrape from where the server keeps its certificates, so a rotated
  // certificate or CA bundle shows without an event of its own.
  readonly certificateExpiration = new Gauge({
    name: 'apiserver_certificate_expiration_timestamp_seconds',
    help: 'When a certificate this server uses expires (notAfter), in seconds since the epoch: the serving certificate, and for each trusted CA bundle (client-ca, requestheader-client-ca) its first certificate to expire.',
    labelNames: ['certificate'],
    registers: [this.registry],
    collect: () => {
      this.certificateExpiration.reset();
      for (const [certificate, source] of this.certificateSources) {
        const notAfter = Math.min(...source().map((c) => Date.parse(c.validTo) / 1000));
        if (Number.isFinite(notAfter)) this.certificateExpiration.set({ certificate }, notAfter);
      }
    },
  });

  /** Exports when `source`'s certificates expire, as `certificate="<name>"`; none while it has none. */
  watchCertificates(name: string, source: CertificateSource): void {
    this.certificateSources.set(name, source);
  }

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
  // onError sees what a handler threw before the error handler turns it into a Status.
  app.addHook('onError', async (req, _reply, err) => {
    if (!isStorageFailure(err)) return;
    const info = requestInfoFrom(req);
    metrics.storageErrors.inc({ verb: info?.verb ?? '', group: info?.apiGroup ?? '', resource: info?.resource ?? '' });
  });
  const observe = (req: FastifyRequest, statusCode: number): void => {
    const t = timing.get(req);
    if (t?.observed) return;
    if (t) t.observed = true;
    const info = requestInfoFrom(req);
    const start = t?.start;
    // The values of REQUEST_LABELS, in its order.
    const values = [
      (info?.verb ?? req.method).toUpperCase(),
      info?.apiGroup ?? '',
      info?.apiVersion ?? '',
      info?.resource ?? '',
      info?.subresource ?? '',
      !info?.isResourceRequest ? '' : info.name ? 'resource' : info.namespace ? 'namespace' : 'cluster',
      'apiserver',
    ];
    if (start !== undefined) metrics.duration.observe(values, Number(process.hrtime.bigint() - start) / 1e9);
    values.push(String(statusCode));
    metrics.requests.inc(values);
  };
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
}
