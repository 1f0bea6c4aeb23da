/**
 * Kubernetes `metav1.Status` errors, built in one place with apimachinery's names, reasons and messages
 * (k8s.io/apimachinery/pkg/api/errors), so every error a client sees has the shape kubectl expects.
 */
import { goQuote } from './go-format.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'Unknown';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string; resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A group and resource, as apimachinery's `schema.GroupResource`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** An error that carries the Status the client will receive. */
export class StatusError extends Error {
  readonly status: Status;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string>;

  constructor(
    status: Omit<Status, 'kind' | 'apiVersion' | 'metadata' | 'status'> & Partial<Pick<Status, 'metadata'>>,
    headers: Record<string, string> = {},
  ) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'StatusError';
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: status.metadata ?? {}, status: 'Failure', ...status };
    if (this.status.details) this.status.details = withoutEmpty(this.status.details);
    this.headers = headers;
  }

  get code(): number {
    return this.status.code;
  }
}

/** Go writes StatusDetails with `omitempty`: an empty name, group, kind or uid is left out, not sent as "". */
function withoutEmpty(details: StatusDetails): StatusDetails {
  const out: StatusDetails = { ...details };
  for (const k of ['name', 'group', 'kind', 'uid'] as const) if (out[k] === '') delete out[k];
  return out;
}

export function isStatusError(err: unknown): err is StatusError {
  return err instanceof StatusError;
}

/** `errors.IsNotFound`. */
export function isNotFound(err: unknown): boolean {
  return err instanceof StatusError && err.status.reason === 'NotFound';
}

/** `errors.IsAlreadyExists`. */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof StatusError && err.status.reason === 'AlreadyExists';
}

/**
 * The success Status a completed delete answers with (`Store.finalizeDelete`): it names what went, with the
 * resource, not the kind, in `details.kind`, as upstream does.
 */
export function newDeleteSuccess(gr: GroupResource, name: string | undefined, uid: string | undefined): Omit<Status, 'code'> {
  const details: StatusDetails = { name, group: gr.group, kind: gr.resource, uid };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: withoutEmpty(details) };
}

/** `resource.group` as apimachinery prints a GroupResource (no trailing dot for the core group). */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export function newNotFound(gr: GroupResource, name: string): StatusError {
  return new StatusError({
    code: 404,
    reason: 'NotFound',
    message: `${qualifiedResource(gr)} "${name}" not found`,
    details: { name, group: gr.group, kind: gr.resource },
  });
}

export function newAlreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError({
    code: 409,
    reason: 'AlreadyExists',
    message: `${qualifiedResource(gr)} "${name}" already exists`,
    details: { name, group: gr.group, kind: gr.resource },
  });
}

/** `errors.NewForbidden`: `<resource>.<group> "name" is forbidden: <reason>`. */
export function newForbidden(gr: GroupResource, name: string, reason: string): StatusError {
  const what = gr.resource ? (name ? `${qualifiedResource(gr)} ${goQuote(name)}` : qualifiedResource(gr)) : '';
  return new StatusError({
    code: 403,
    reason: 'Forbidden',
    message: what ? `${what} is forbidden: ${reason}` : `forbidden: ${reason}`,
    details: { name, group: gr.group, kind: gr.resource },
  });
}

export function newConflict(gr: GroupResource, name: string, reason: string): StatusError {
  return new StatusError({
    code: 409,
    reason: 'Conflict',
    message: `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${reason}`,
    details: { name, group: gr.group, kind: gr.resource },
  });
}

/** The message storage conflicts carry upstream (`registry.OptimisticLockErrorMsg`). */
export const OPTIMISTIC_LOCK_ERROR_MSG = 'the object has been modified; please apply your changes to the latest version and try again';

/** A field error, as `field.Error`: its type decides the cause reason and the message wording. */
export interface FieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueTypeInvalid'
    | 'InternalError';
  field: string;
  /** The whole message after `<field>: ` as `field.Error.Error()` renders it. */
  message: string;
}

/** 422 Invalid, message as `errors.NewInvalid`: `Kind.group "name" is invalid: [a, b]`. */
export function newInvalid(groupKind: { group: string; kind: string }, name: string, errs: FieldError[]): StatusError {
  const qualifiedKind = groupKind.group ? `${groupKind.kind}.${groupKind.group}` : groupKind.kind;
  const rendered = errs.map((e) => `${e.field}: ${e.message}`);
  const aggregate = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  return new StatusError({
    code: 422,
    reason: 'Invalid',
    message: `${qualifiedKind} "${name}" is invalid: ${aggregate}`,
    details: {
      name,
      group: groupKind.group,
      kind: groupKind.kind,
      causes: errs.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
    },
  });
}

export function newUnauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError({ code: 401, reason: 'Unauthorized', message });
}

export function newBadRequest(message: string): StatusError {
  return new StatusError({ code: 400, reason: 'BadRequest', message });
}

/** A method the path does not serve, with kube-apiserver's generic 405 body. */
export function newMethodNotAllowed(): StatusError {
  return new StatusError({
    code: 405,
    reason: 'MethodNotAllowed',
    message: 'the server does not allow this method on the requested resource',
    details: {},
  });
}

export function newNotAcceptable(message: string): StatusError {
  return new StatusError({ code: 406, reason: 'NotAcceptable', message });
}

export function newUnsupportedMediaType(supported: string[]): StatusError {
  return new StatusError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`,
  });
}

export function newRequestEntityTooLarge(message: string): StatusError {
  return new StatusError({ code: 413, reason: 'RequestEntityTooLarge', message });
}

/** 410 Expired, used for too-old resourceVersions and continue tokens. */
export function newResourceExpired(message: string, continueToken?: string): StatusError {
  return new StatusError({
    code: 410,
    reason: 'Expired',
    message,
    metadata: continueToken === undefined ? {} : { continue: continueToken },
  });
}

export function newTooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError(
    { code: 429, reason: 'TooManyRequests', message, details: { retryAfterSeconds } },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

/** 504, message prefixed `Timeout: ` as `errors.NewTimeoutError` does. */
export function newTimeout(message: string, retryAfterSeconds = 0): StatusError {
  return new StatusError({ code: 504, reason: 'Timeout', message: `Timeout: ${message}`, details: { retryAfterSeconds } });
}

export function newServiceUnavailable(message: string): StatusError {
  return new StatusError({ code: 503, reason: 'ServiceUnavailable', message });
}

export function newInternalError(err: unknown): StatusError {
  const text = err instanceof Error ? err.message : String(err);
  return new StatusError({
    code: 500,
    reason: 'InternalError',
    message: `Internal error occurred: ${text}`,
    details: { causes: [{ message: text }] },
  });
}

/**
 * What `ErrorToAPIStatus` makes of an error that is not a Status (a failure inside the field manager, say):
 * 500 with the error's text and no reason (StatusReasonUnknown) or details.
 */
export function newUnknownError(message: string): StatusError {
  return new StatusError({ code: 500, message });
}

/** A path that matches no route: kube-apiserver answers with a bare 404 Status. */
export function newPathNotFound(): StatusError {
  return new StatusError({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} });
}
