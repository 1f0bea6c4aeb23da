/**
 * The handler chain, written once and in order, like k8s.io/apiserver's `DefaultBuildHandlerChain`. Every
 * stage runs in `onRequest`, so a request is refused before its body is read.
 */
import type { FastifyInstance } from 'fastify';
import { installAudit } from '../audit/filter.js';
import type { AuditBackend } from '../audit/log-backend.js';
import type { Policy } from '../audit/policy.js';
import { type AuthenticationOptions, installAuthentication } from '../authentication/filter.js';
import type { Authorizer } from '../authorization/authorizer.js';
import { installAuthorization } from '../authorization/filter.js';
import { installRequestInfo } from '../endpoints/request/request-info.js';
import { installMaxInFlight, type MaxInFlightOptions } from './filters/max-in-flight.js';

export interface ChainConfig {
  authentication: AuthenticationOptions;
  /** Absent: no audit log (as upstream, without a policy file). */
  audit?: { policy: Policy; backend: AuditBackend };
  maxInFlight: MaxInFlightOptions;
  authorization: { authorizer: Authorizer };
}

export function buildHandlerChain(app: FastifyInstance, cfg: ChainConfig): void {
  installRequestInfo(app);                               // path + method -> RequestInfo
  installAuthentication(app, cfg.authentication);        // -> 401
  if (cfg.audit) installAudit(app, cfg.audit);           // RequestReceived ... ResponseComplete
  installMaxInFlight(app, cfg.maxInFlight);              // -> 429
  installAuthorization(app, cfg.authorization);          // -> 403
}
