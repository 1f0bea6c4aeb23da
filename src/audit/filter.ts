/**
 * The audit stage (`pkg/endpoints/filters/audit.go`): after authentication, so the event names the original
 * user (never the front proxy); an Event at RequestReceived and ResponseComplete, with the request and
 * response bodies when the policy's level asks for them; and the audit ID every request has.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { attributesOf } from '../authorization/authorizer.js';
import { auditAnnotationsFor, requestInfoFrom, requestSlot, userFrom } from '../endpoints/request/context.js';
import { isLongRunning } from '../endpoints/request/long-running.js';
import type { Metrics } from '../metrics/metrics.js';
import type { AuditBackend } from './log-backend.js';
import { atLeast, auditConfigFor, type Level, type Policy, type Stage } from './policy.js';

export const AUDIT_ID_HEADER = 'Audit-ID';

/**
 * The request's audit ID (`WithAuditInit`): the client's `Audit-ID`, else a new UUID. It is the request's id
 * (Fastify's `req.id`, so every log line of the request carries it) and is sent back on every response,
 * with or without an audit policy, as kube-apiserver does: a client's report, a log line and an audit
 * event name the request alike.
 */
export function newAuditID(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers[AUDIT_ID_HEADER.toLowerCase()];
  return typeof given === 'string' && given ? given : randomUUID();
}

export function installAuditInit(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.header(AUDIT_ID_HEADER, req.id);
  });
}

interface AuditState {
  level: Level;
  omitStages: Stage[];
  event: Record<string, unknown>;
  /** The Status of a failed response, whose message and reason the event carries at every level. */
  failure?: { status?: string; message?: string; reason?: string };
  /** What admission annotated the request with (a policy's audit annotations), written when it completes. */
  annotations: Record<string, string>;
  completed?: boolean;
}

const auditState = requestSlot<AuditState>();

const microTime = (): string => new Date().toISOString().replace('Z', '000Z');

/** The client and the proxies it came through, as `utilnet.SourceIPs`: X-Forwarded-For, X-Real-Ip, then the peer. */
function sourceIPs(req: FastifyRequest): string[] {
  const ips =
    (req.headers['x-forwarded-for'] as string | undefined)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  const real = req.headers['x-real-ip'] as string | undefined;
  if (real && !ips.includes(real)) ips.push(real);
  const remote = req.raw.socket.remoteAddress?.replace(/^::ffff:/, '');
  if (remote && !ips.includes(remote)) ips.push(remote);
  return ips;
}

function parseJson(payload: unknown): unknown {
  // The serializer sends bytes; other routes may send text.
  const text = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type RequestObject = { metadata?: { namespace?: unknown; name?: unknown; uid?: unknown; resourceVersion?: unknown } };

/**
 * What `audit.LogRequestObject` adds at level Metadata and above: the fields of objectRef the URL did not
 * give, from the object sent (so a create's event names the object it created).
 */
function completeObjectRef(event: Record<string, unknown>, obj: RequestObject): void {
  const ref = event.objectRef as Record<string, unknown> | undefined;
  const meta = obj.metadata;
  if (!ref || !meta || typeof meta !== 'object') return;
  for (const field of ['namespace', 'name', 'uid', 'resourceVersion'] as const) {
    const value = meta[field];
    if (!ref[field] && typeof value === 'string' && value) ref[field] = value;
  }
}

export function installAudit(app: FastifyInstance, opts: { policy: Policy; backend: AuditBackend; metrics?: Metrics }): void {
  const emit = (state: AuditState, stage: Stage): void => {
    if (state.omitStages.includes(stage)) return;
    opts.backend.write({ ...state.event, stage, stageTimestamp: microTime() });
    opts.metrics?.auditEvents.inc();
  };
  app.addHook('onRequest', async (req, reply) => {
    const user = userFrom(req);
    const info = requestInfoFrom(req);
    if (!user || !info) return;
    const { level, omitStages } = auditConfigFor(opts.policy, attributesOf(user, info));
    if (level === 'None') return;
    const event: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: req.id,
      requestURI: req.url,
      verb: info.verb,
      user: {
        username: user.name,
        ...(user.uid ? { uid: user.uid } : {}),
        groups: user.groups,
        ...(Object.keys(user.extra).length ? { extra: user.extra } : {}),
      },
      sourceIPs: sourceIPs(req),
      userAgent: req.headers['user-agent'] ?? '',
      requestReceivedTimestamp: microTime(),
    };
    if (info.isResourceRequest) {
      event.objectRef = {
        resource: info.resource,
        ...(info.namespace ? { namespace: info.namespace } : {}),
        ...(info.name ? { name: info.name } : {}),
        apiGroup: info.apiGroup,
        apiVersion: info.apiVersion,
        ...(info.subresource ? { subresource: info.subresource } : {}),
      };
    }
    const state: AuditState = { level, omitStages, event, annotations: auditAnnotationsFor(req) };
    auditState.set(req, state);
    emit(state, 'RequestReceived');
    // A long-running request writes its own stream: Fastify's onResponse comes when it ends, but a client that
    // goes first ends it with the connection; whichever comes first completes the event, once.
    if (isLongRunning(info)) reply.raw.once('close', () => complete(state, reply.raw.statusCode));
  });
  app.addHook('preHandler', async (req) => {
    const state = auditState.get(req);
    if (!state || req.body === null || typeof req.body !== 'object') return;
    if (atLeast(state.level, 'Request')) state.event.requestObject = req.body;
    const verb = requestInfoFrom(req)?.verb;
    if (verb === 'create' || verb === 'update') completeObjectRef(state.event, req.body as RequestObject);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const state = auditState.get(req);
    if (!state) return payload;
    const wantBody = atLeast(state.level, 'RequestResponse');
    if (wantBody || reply.statusCode >= 400) {
      const body = parseJson(payload) as (AuditState['failure'] & { kind?: string }) | undefined;
      if (wantBody && body !== undefined) state.event.responseObject = body;
      if (reply.statusCode >= 400 && body?.kind === 'Status') state.failure = body;
    }
    return payload;
  });
  const complete = (state: AuditState, code: number): void => {
    if (state.completed) return;
    state.completed = true;
    const responseStatus: Record<string, unknown> = { metadata: {}, code };
    if (state.failure) {
      Object.assign(responseStatus, { status: state.failure.status, message: state.failure.message, reason: state.failure.reason });
    }
    state.event.responseStatus = responseStatus;
    if (Object.keys(state.annotations).length > 0) state.event.annotations = { ...state.annotations };
    emit(state, 'ResponseComplete');
  };
  app.addHook('onResponse', async (req, reply) => {
    const state = auditState.get(req);
    if (state) complete(state, reply.statusCode);
  });
}
