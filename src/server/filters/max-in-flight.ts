/**
 * `--max-requests-inflight` and `--max-mutating-requests-inflight` (`pkg/server/filters/maxinflight.go`):
 * past either limit a request gets 429 with Retry-After; watches (long-running) are not counted, and
 * `system:masters` is never refused, so an administrator can always get in.
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

export function installMaxInFlight(app: FastifyInstance, opts: MaxInFlightOptions, metrics?: Metrics): void {
  const inFlight = { readOnly: 0, mutating: 0 };
  app.addHook('onRequest', async (req, reply) => {
    const info = requestInfoFrom(req);
    if (!info || isLongRunning(info)) return;
    if (userFrom(req)?.groups.includes('system:masters')) return;
    const kind = MUTATING.has(info.verb) ? 'mutating' : 'readOnly';
    const limit = kind === 'mutating' ? opts.maxMutatingRequestsInflight : opts.maxRequestsInflight;
    if (limit <= 0) return;
    if (inFlight[kind] >= limit) throw newTooManyRequests('Too many requests, please try again later.', 1);
    inFlight[kind]++;
    metrics?.inflight.set({ request_kind: kind }, inFlight[kind]);
    reply.raw.once('close', () => {
      inFlight[kind]--;
      metrics?.inflight.set({ request_kind: kind }, inFlight[kind]);
    });
  });
}
