/**
 * A ValidatingAdmissionPolicy compiled once per version of it (`validating.compilePolicy`): its variables,
 * matchConditions, validations with their messageExpressions, and audit annotations, all in one environment
 * that declares `params` when the policy has a paramKind. Compile errors are kept beside the expression and
 * become its evaluation error, decided by the failure policy.
 */
import { type CompiledExpression, compileExpression } from '../../../cel/compile.js';
import { type CompiledVariables, compileVariables } from '../../../cel/variables.js';
import type { AuditAnnotation, ValidatingAdmissionPolicy, Validation } from './types.js';

export interface CompiledPolicy {
  policy: ValidatingAdmissionPolicy;
  variables: CompiledVariables;
  matchConditions: { name: string; compiled: CompiledExpression }[];
  validations: { validation: Validation; compiled: CompiledExpression; message: CompiledExpression | undefined }[];
  auditAnnotations: { annotation: AuditAnnotation; compiled: CompiledExpression }[];
}

/** Policies as last compiled, by object: an informer replaces the object when the policy changes. */
const cache = new WeakMap<ValidatingAdmissionPolicy, CompiledPolicy>();

export function compilePolicy(policy: ValidatingAdmissionPolicy): CompiledPolicy {
  const cached = cache.get(policy);
  if (cached) return cached;
  const spec = policy.spec;
  const variables = compileVariables(spec.variables ?? [], spec.paramKind !== undefined);
  const env = variables.env;
  const compiled: CompiledPolicy = {
    policy,
    variables,
    matchConditions: (spec.matchConditions ?? []).map((c) => ({ name: c.name, compiled: compileExpression(env, c.expression, ['bool']) })),
    validations: (spec.validations ?? []).map((v) => ({
      validation: v,
      compiled: compileExpression(env, v.expression, ['bool']),
      message: v.messageExpression ? compileExpression(env, v.messageExpression, ['string']) : undefined,
    })),
    auditAnnotations: (spec.auditAnnotations ?? []).map((a) => ({
      annotation: a,
      compiled: compileExpression(env, a.valueExpression, ['string', 'null']),
    })),
  };
  cache.set(policy, compiled);
  return compiled;
}
