/**
 * One policy evaluated for one binding and one param (`validating.validator.Validate`): matchConditions
 * first (false: no decisions), then every validation (true admits; false denies with its messageExpression's
 * result, else its message, else `failed expression: <expr>`; an error follows the failure policy), then the
 * audit annotations. Validations and their messages share one runtime cost budget, annotations another.
 */
import type { KubeObject } from '../../../../apimachinery/types.js';
import { RUNTIME_CEL_COST_BUDGET } from '../../../../cel/cost.js';
import { activation, admissionRequest } from '../../../cel/activation.js';
import type { CompiledExpression } from '../../../cel/compile.js';
import { type Budget, type Evaluation, evaluateExpression, OutOfBudget } from '../../../cel/evaluate.js';
import { MATCH_CONDITIONS_COST_BUDGET } from '../../../cel/match-conditions.js';
import { bindVariables } from '../../../cel/variables.js';
import type { Attributes } from '../../../interfaces.js';
import type { GroupVersionKind, GroupVersionResource } from '../../../matching/types.js';
import type { CompiledPolicy } from './compile.js';

/** `MaxEvaluatedMessageExpressionSizeBytes`. */
const MAX_MESSAGE_BYTES = 5 * 1024;

export type Decision =
  | { action: 'Admit'; error?: undefined }
  | { action: 'Deny'; error: boolean; message: string; reason?: string }
  /** An evaluation error a failure policy of Ignore admits. */
  | { action: 'Admit'; error: true; message: string };

export type AuditAnnotationResult =
  | { action: 'Publish'; key: string; value: string }
  | { action: 'Exclude' }
  | { action: 'Error'; key: string; error: string };

export interface ValidateResult {
  decisions: Decision[];
  auditAnnotations: AuditAnnotationResult[];
}

export interface ValidateInput {
  attrs: Attributes;
  resource: GroupVersionResource;
  kind: GroupVersionKind;
  /** The objects in the matched version. */
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  params: unknown;
  namespace: Record<string, unknown> | undefined;
}

export function validatePolicy(cp: CompiledPolicy, input: ValidateInput): ValidateResult {
  const fail = cp.policy.spec.failurePolicy !== 'Ignore';
  const onError = (message: string): Decision =>
    fail ? { action: 'Deny', error: true, message } : { action: 'Admit', error: true, message };
  const vars = activation({
    object: input.object,
    oldObject: input.oldObject,
    request: admissionRequest(input.attrs, input.resource, input.kind),
    namespace: input.namespace,
    params: input.params,
  });
  bindVariables(cp.variables, vars);

  if (cp.matchConditions.length > 0) {
    const errors: string[] = [];
    const budget = { remaining: MATCH_CONDITIONS_COST_BUDGET };
    for (const { compiled } of cp.matchConditions) {
      const r = evaluate(compiled, vars, budget);
      if (r === undefined) return { decisions: [onError(OUT_OF_BUDGET_MESSAGE)], auditAnnotations: [] };
      if (r.error !== undefined) errors.push(r.error);
      else if (r.value === false) return { decisions: [], auditAnnotations: [] };
    }
    if (errors.length > 0)
      return { decisions: [onError(errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`)], auditAnnotations: [] };
  }

  const budget = { remaining: RUNTIME_CEL_COST_BUDGET };
  const decisions: Decision[] = [];
  for (const { validation, compiled, message } of cp.validations) {
    const r = evaluate(compiled, vars, budget);
    if (r === undefined) return { decisions: [onError(OUT_OF_BUDGET_MESSAGE)], auditAnnotations: [] };
    if (r.error !== undefined) decisions.push(onError(r.error));
    else if (r.value === true) decisions.push({ action: 'Admit' });
    else {
      decisions.push({
        action: 'Deny',
        error: false,
        reason: validation.reason ?? 'Invalid',
        message: messageOf(message, vars, budget) || validation.message?.trim() || `failed expression: ${validation.expression.trim()}`,
      });
    }
  }

  const annotationBudget = { remaining: RUNTIME_CEL_COST_BUDGET };
  const auditAnnotations: AuditAnnotationResult[] = [];
  for (const { annotation, compiled } of cp.auditAnnotations) {
    const r = evaluate(compiled, vars, annotationBudget);
    if (r === undefined) return { decisions: [onError(OUT_OF_BUDGET_MESSAGE)], auditAnnotations: [] };
    const error =
      r.error ??
      (typeof r.value === 'string' || r.value === null
        ? undefined
        : `valueExpression '${annotation.valueExpression}' resulted in unsupported return type: ${celTypeOf(r.value)}. Return type must be either string or null.`);
    if (error !== undefined) auditAnnotations.push(fail ? { action: 'Error', key: annotation.key, error } : { action: 'Exclude' });
    else if (typeof r.value === 'string' && r.value.trim() !== '')
      auditAnnotations.push({ action: 'Publish', key: annotation.key, value: r.value.trim() });
    else auditAnnotations.push({ action: 'Exclude' });
  }
  return { decisions, auditAnnotations };
}

const OUT_OF_BUDGET_MESSAGE = new OutOfBudget().message;

/** An evaluation, or undefined once the budget ran out. */
function evaluate(compiled: CompiledExpression, vars: Record<string, unknown>, budget: Budget): Evaluation | undefined {
  try {
    return evaluateExpression(compiled, vars, budget);
  } catch (err) {
    if (err instanceof OutOfBudget) return undefined;
    throw err;
  }
}

/** A messageExpression's result when it is a usable message: a one-line string of at most 5 KiB, trimmed. */
function messageOf(message: CompiledExpression | undefined, vars: Record<string, unknown>, budget: Budget): string {
  if (!message) return '';
  const r = evaluate(message, vars, budget);
  if (!r || r.error !== undefined || typeof r.value !== 'string') return '';
  const text = r.value.trim();
  return text.includes('\n') || Buffer.byteLength(text) > MAX_MESSAGE_BYTES ? '' : text;
}

function celTypeOf(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'map';
  return typeof v;
}
