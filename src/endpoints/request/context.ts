/**
 * Per-request facts, set by one stage of the handler chain and read by the later ones
 * (like k8s.io/apiserver's request context): the RequestInfo, the user, the audit event, and the keys
 * a JSON body repeats (which JSON.parse drops silently and the strict decoder reports).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UserInfo } from '../../authentication/user.js';

/** What the path and method say about a request (`pkg/endpoints/request/requestinfo.go`). */
export interface RequestInfo {
  isResourceRequest: boolean;
  /** The URL path, without the query. */
  path: string;
  /** get list watch create update patch delete deletecollection, or the lowercased HTTP method for non-resource requests. */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  parts: string[];
}

export type { UserInfo } from '../../authentication/user.js';

/** A typed per-request value of one stage (audit's event, metrics' start time, the negotiated output). */
export interface RequestSlot<T> {
  get(req: FastifyRequest): T | undefined;
  set(req: FastifyRequest, value: T): void;
}

/** Every slot's key, so the request shape is declared once at start-up (Fastify's decorateRequest). */
const slotKeys: symbol[] = [];

/** The one way a stage keeps its own state on a request: a slot made here, not a property of its own. */
export function requestSlot<T>(): RequestSlot<T> {
  const key = Symbol('slot');
  slotKeys.push(key);
  type Holder = Record<symbol, T | undefined>;
  return {
    get: (req) => (req as unknown as Holder)[key],
    set: (req, value) => {
      (req as unknown as Holder)[key] = value;
    },
  };
}

const requestInfo = requestSlot<RequestInfo>();
const user = requestSlot<UserInfo>();
const duplicateFields = requestSlot<string[]>();

export function setRequestInfo(req: FastifyRequest, info: RequestInfo): void {
  requestInfo.set(req, info);
}

export function requestInfoFrom(req: FastifyRequest): RequestInfo | undefined {
  return requestInfo.get(req);
}

export function setUser(req: FastifyRequest, info: UserInfo): void {
  user.set(req, info);
}

export function userFrom(req: FastifyRequest): UserInfo | undefined {
  return user.get(req);
}

const warnings = requestSlot<string[]>();

/**
 * The request's warnings (`Warning` headers), shared by the handler and admission: sent with the response,
 * also when the request fails (a policy's Warn beside a webhook's denial).
 */
export function warningsFor(req: FastifyRequest): string[] {
  let list = warnings.get(req);
  if (!list) {
    list = [];
    warnings.set(req, list);
  }
  return list;
}

const auditAnnotations = requestSlot<Record<string, string>>();

/** Where admission adds the request's audit annotations; the audit stage writes them into its event. */
export function auditAnnotationsFor(req: FastifyRequest): Record<string, string> {
  let annotations = auditAnnotations.get(req);
  if (!annotations) {
    annotations = {};
    auditAnnotations.set(req, annotations);
  }
  return annotations;
}

export function setDuplicateFields(req: FastifyRequest, paths: string[]): void {
  duplicateFields.set(req, paths);
}

/** Paths of the keys the body repeated (`spec.reference`), empty when none. */
export function duplicateFieldsFrom(req: FastifyRequest): string[] {
  return duplicateFields.get(req) ?? [];
}

const yamlStrictError = requestSlot<string>();

/** What a strict YAML decoder said of an apply body the lenient one read (a repeated key), for fieldValidation. */
export function setYamlStrictError(req: FastifyRequest, message: string): void {
  yamlStrictError.set(req, message);
}

export function yamlStrictErrorFrom(req: FastifyRequest): string | undefined {
  return yamlStrictError.get(req);
}

/** Keeps Fastify's request shape stable (it optimises for properties known at start-up). */
export function decorateRequestContext(app: FastifyInstance): void {
  for (const key of slotKeys) app.decorateRequest(key as unknown as string, undefined);
}
