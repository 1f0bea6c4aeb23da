/**
 * The handler chain, written once and in order, like k8s.io/apiserver's `DefaultBuildHandlerChain`. Every
 * stage runs in `onRequest`, so a request is refused before its body is read.
 */
import type { FastifyInstance } from 'fastify';
import { installAudit, installAuditInit } from '../audit/filter.js';
import type { AuditBackend } from '../audit/log-backend.js';
import type { Policy } from '../audit/policy.js';
import { type AuthenticationOptions, installAuthentication } from '../authentication/filter.js';
import type { Authorizer } from '../authorization/authorizer.js';
import { installAuthorization } from '../authorization/filter.js';
import { installRequestInfo } from '../endpoints/request/request-info.js';
import type { Metrics } from '../metrics/metrics.js';
import { installMetrics } from '../metrics/metrics.js';
import { installCacheControl } from './filters/cache-control.js';
import { DEFAULT_SLOW_REQUEST_THRESHOLD, type HTTPLogOptions, installHTTPLog } from './filters/httplog.js';
import { installLoadShedding, type LoadSheddingOptions } from './filters/load-shedding.js';
import { installMaxInFlight, type MaxInFlightOptions } from './filters/max-in-flight.js';

export interface ChainConfig {
  metrics: Metrics;
  authentication: AuthenticationOptions;
  /** Absent: no audit log (as upstream, without a policy file). */
  audit?: { policy: Policy; backend: AuditBackend };
  maxInFlight: MaxInFlightOptions;
  /** Defaults to DEFAULT_LOAD_SHEDDING. */
  loadShedding?: LoadSheddingOptions;
  authorization: { authorizer: Authorizer };
  /** Defaults to a slow-request threshold of DEFAULT_SLOW_REQUEST_THRESHOLD. */
  httpLog?: HTTPLogOptions;
}

export function buildHandlerChain(app: FastifyInstance, cfg: ChainConfig): void {
  installCacheControl(app); // Cache-Control: no-cache, private unless set
  installAuditInit(app); // Audit-ID: the client's or a new one, on every response
  installHTTPLog(app, cfg.httpLog ?? { slowRequestThreshold: DEFAULT_SLOW_REQUEST_THRESHOLD }); // slow requests in the log
  installMetrics(app, cfg.metrics); // apiserver_request_total, durations; /metrics
  installRequestInfo(app); // path + method -> RequestInfo
  installAuthentication(app, cfg.authentication); // -> 401
  if (cfg.audit) installAudit(app, { ...cfg.audit, metrics: cfg.metrics }); // RequestReceived ... ResponseComplete
  installMaxInFlight(app, cfg.maxInFlight, cfg.metrics); // -> 429
  installLoadShedding(app, cfg.loadShedding); // -> 429 while the event loop lags or the heap is full
  installAuthorization(app, cfg.authorization); // -> 403
}
