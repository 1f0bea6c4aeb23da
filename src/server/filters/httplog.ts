/**
 * What the log says of requests (k8s.io/apiserver's `httplog` and `utiltrace`): a line for each request slower
 * than the threshold, as kube-apiserver's handlers log a "Trace" for a request over 500ms; and, at debug
 * level only, a line for every request, as kube-apiserver does at -v=3. Both carry the audit ID (the
 * request logger's `auditID`), so a line leads to the request's audit events. Long-running requests (watch)
 * last as long as the client wants and are never slow.
 */
import type { FastifyInstance } from 'fastify';
import { requestInfoFrom } from '../../endpoints/request/context.js';
import { isLongRunning } from '../../endpoints/request/long-running.js';

export interface HTTPLogOptions {
  /** Seconds; a request that takes at least this long is logged at info level. 0: none is. */
  slowRequestThreshold: number;
}

/** kube-apiserver's handlers trace their requests with `span.End(500 * time.Millisecond)`. */
export const DEFAULT_SLOW_REQUEST_THRESHOLD = 0.5;

export function installHTTPLog(app: FastifyInstance, opts: HTTPLogOptions): void {
  const thresholdMs = opts.slowRequestThreshold * 1000;
  // One hook, no per-request timer of its own: Fastify already times every reply (reply.elapsedTime).
  app.addHook('onResponse', async (req, reply) => {
    const ms = reply.elapsedTime;
    const slow = thresholdMs > 0 && ms >= thresholdMs;
    if (!slow && req.log.level !== 'debug' && req.log.level !== 'trace') return;
    const info = requestInfoFrom(req);
    if (isLongRunning(info)) return;
    const line = {
      verb: info?.verb ?? req.method.toLowerCase(),
      url: req.url,
      code: reply.statusCode,
      latencyMs: Math.round(ms * 10) / 10,
      userAgent: req.headers['user-agent'],
      srcIP: req.raw.socket?.remoteAddress?.replace(/^::ffff:/, ''),
      protocol: req.raw.httpVersion,
    };
    if (slow) req.log.info({ ...line, thresholdMs }, 'slow request');
    else req.log.debug(line, 'request');
  });
}
