/**
 * The query options every write shares: dryRun, fieldValidation (default Warn, as kube-apiserver) and
 * fieldManager, decoded and validated as the create, update and patch handlers do (422 on the options kind).
 */
import type { FastifyRequest } from 'fastify';
import { newBadRequest } from '../../apimachinery/errors.js';
import { forbidden, required } from '../../apimachinery/field.js';
import { byteLength, goQuote, isGoPrint } from '../../apimachinery/go-format.js';
import {
  FIELD_MANAGER_MAX_LENGTH,
  type FieldValidation,
  newInvalidOptions,
  validateDryRun,
  validateFieldManager,
  validateFieldValidation,
} from '../../apimachinery/options.js';
import type { AdmissionContext } from '../../registry/rest/resource-store.js';
import type { WriteOptions } from '../../registry/rest/scope.js';
import { auditAnnotationsFor, duplicateFieldsFrom, userFrom, warningsFor } from '../request/context.js';
import { queryParam, queryParams } from './query.js';

/**
 * `kind` names the options in errors; `apply` is set for PATCH requests, whether the patch is an apply
 * (which requires a fieldManager and alone may force), as `ValidatePatchOptions` checks.
 */
export function writeOptions(req: FastifyRequest, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions', apply?: boolean): WriteOptions {
  const dryRun = queryParams(req, 'dryRun');
  const fieldValidation = queryParam(req, 'fieldValidation') ?? '';
  const fieldManager = queryParam(req, 'fieldManager') ?? '';
  const force = kind === 'PatchOptions' ? parseForce(queryParam(req, 'force')) : undefined;
  const errs = [
    ...(apply === false && force !== undefined ? [forbidden('force', 'may not be specified for non-apply patch')] : []),
    ...(apply === true && fieldManager === '' ? [required('fieldManager', 'is required for apply patch')] : []),
    ...validateFieldManager(fieldManager),
    ...validateDryRun(dryRun),
    ...validateFieldValidation(fieldValidation),
  ];
  if (errs.length > 0) throw newInvalidOptions(kind, errs);
  return {
    dryRun: dryRun.length > 0,
    fieldValidation: (fieldValidation || 'Warn') as FieldValidation,
    warnings: warningsFor(req),
    user: userFrom(req),
    strictErrors: duplicateFieldsFrom(req).map((path) => `duplicate field "${path}"`),
    fieldManager: fieldManager || prefixFromUserAgent(req.headers['user-agent'] ?? ''),
    force: force === true,
    auditAnnotations: auditAnnotationsFor(req),
  };
}

/** What admission of a delete learns of the request: who asks, where warnings and audit annotations go. */
export function admissionContext(req: FastifyRequest): Required<Omit<AdmissionContext, 'user'>> & AdmissionContext {
  return { user: userFrom(req), warnings: warningsFor(req), auditAnnotations: auditAnnotationsFor(req) };
}

/** `?force=` as Go's ParameterCodec reads a *bool (strconv.ParseBool); absent is nil. */
function parseForce(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw newBadRequest(`strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`);
}

/**
 * The manager of a write that names none (`prefixFromUserAgent`): the User-Agent up to its first `/`,
 * without unprintable characters, cut at the 128 bytes a manager may have.
 */
export function prefixFromUserAgent(userAgent: string): string {
  let out = '';
  for (const ch of userAgent.split('/')[0] ?? '') {
    if (!isGoPrint(ch.codePointAt(0) as number)) continue;
    if (byteLength(out) + byteLength(ch) > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}
