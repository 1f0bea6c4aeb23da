/**
 * `--max-requests-inflight` and `--max-mutating-requests-inflight` (`pkg/server/filters/maxinflight.go`):
 * past either limit a request gets 429 with Retry-After; watches (long-running) are not counted, and
 * `system:masters` is never refused, so an administrator can always get in (it takes a slot while there is
 * one, as upstream's). `apiserver_current_inflight_requests` is upstream's watermark: the most requests in
 * flight during the last second, published once a second, not set on every request.
 */
import type { FastifyInstance } from 'fastify';
import { newTooManyRequests } from '../../apimachinery/errors.js';
import { requestInfoFrom, userFrom } from '../../endpoints/request/context.js';
import { isLongRunning } from '../../endpoints/request/long-running.js';
import type { Metrics } from '../../metrics/metrics.js';

const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export interface MaxInFlightOptions {
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
}

/** How often the watermark is published and restarted (upstream's inflightUsageMetricUpdatePeriod). */
const WATERMARK_PERIOD_MS = 1000;

export function installMaxInFlight(app: FastifyInstance, opts: MaxInFlightOptions, metrics?: Metrics): void {
  const inFlight = { readOnly: 0, mutating: 0 };
  const watermark = { readOnly: 0, mutating: 0 };
  if (metrics) {
    const publish = setInterval(() => {
      for (const kind of ['readOnly', 'mutating'] as const) {
        metrics.inflight.set({ request_kind: kind }, watermark[kind]);
        watermark[kind] = inFlight[kind];
      }
    }, WATERMARK_PERIOD_MS);
    publish.unref();
    app.addHook('onClose', async () => clearInterval(publish));
  }
  app.addHook('onRequest', async (req, reply) => {
    const info = requestInfoFrom(req);
    if (!info || isLongRunning(info)) return;
    const kind = MUTATING.has(info.verb) ? 'mutating' : 'readOnly';
    const limit = kind === 'mutating' ? opts.maxMutatingRequestsInflight : opts.maxRequestsInflight;
    if (limit <= 0) return;
    if (inFlight[kind] >= limit) {
      if (userFrom(req)?.groups.includes('system:masters')) return;
      throw newTooManyRequests('Too many requests, please try again later.', 1);
    }
    if (++inFlight[kind] > watermark[kind]) watermark[kind] = inFlight[kind];
    reply.raw.once('close', () => {
      inFlight[kind]--;
    });
  });
}
