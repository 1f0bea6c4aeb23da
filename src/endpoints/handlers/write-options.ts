/**
 * The query options every write shares: dryRun, fieldValidation (default Warn, as kube-apiserver) and
 * fieldManager, decoded and validated as the create, update and patch handlers do (422 on the options kind).
 */
import type { FastifyRequest } from 'fastify';
import {
  type FieldValidation,
  newInvalidOptions,
  validateDryRun,
  validateFieldManager,
  validateFieldValidation,
} from '../../apimachinery/options.js';
import type { WriteOptions } from '../../registry/rest/scope.js';
import { duplicateFieldsFrom, userFrom } from '../request/context.js';
import { queryParam, queryParams } from './query.js';

export function writeOptions(req: FastifyRequest, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions'): WriteOptions {
  const dryRun = queryParams(req, 'dryRun');
  const fieldValidation = queryParam(req, 'fieldValidation') ?? '';
  const errs = [
    ...validateFieldManager(queryParam(req, 'fieldManager') ?? ''),
    ...validateDryRun(dryRun),
    ...validateFieldValidation(fieldValidation),
  ];
  if (errs.length > 0) throw newInvalidOptions(kind, errs);
  return {
    dryRun: dryRun.length > 0,
    fieldValidation: (fieldValidation || 'Warn') as FieldValidation,
    warnings: [],
    user: userFrom(req),
    strictErrors: duplicateFieldsFrom(req).map((path) => `duplicate field "${path}"`),
  };
}
