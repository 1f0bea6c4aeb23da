/**
 * Invoking the matched (policy, binding, param) triples in order (`mutating.dispatcher.dispatchInvocations`):
 * matchConditions first (false skips the invocation, an error is one for the failure policy unless it is
 * Ignore), then each of the policy's mutations in turn on the object in the version the policy matched, each
 * result converted back to the request's version and decoded (pruned and defaulted) before the next mutation
 * sees it. A mutation's error does not stop the next one; it is reported with reason Invalid. A StatusError
 * (a missing namespace, a resource with no schema) ends admission at once.
 */
import { isDeepStrictEqual } from 'node:util';
import { isStatusError, newInternalError, type StatusReason } from '../../../../apimachinery/errors.js';
import type { KubeObject } from '../../../../apimachinery/types.js';
import { activation, admissionRequest } from '../../../cel/activation.js';
import type { CompiledExpression } from '../../../cel/compile.js';
import { evaluateExpression, OutOfBudget } from '../../../cel/evaluate.js';
import { MATCH_CONDITIONS_COST_BUDGET } from '../../../cel/match-conditions.js';
import { bindVariables } from '../../../cel/variables.js';
import type { Attributes } from '../../../interfaces.js';
import type { MatchedResource } from '../../../matching/match-resources.js';
import { type CompiledPolicy, compilePolicy } from './compilation.js';
import { patch } from './patch.js';
import type { ReinvocationContext } from './reinvocation.js';
import type { MutatingAdmissionPolicy, MutatingAdmissionPolicyBinding } from './types.js';

export interface Invocation {
  policy: MutatingAdmissionPolicy;
  binding: MutatingAdmissionPolicyBinding;
  matched: MatchedResource;
  /** The param object, undefined when the policy takes none. */
  param: unknown;
}

/** `generic.PolicyError`: denies the request unless the policy's failurePolicy is Ignore. */
export interface PolicyError {
  policy: MutatingAdmissionPolicy;
  binding: MutatingAdmissionPolicyBinding | undefined;
  message: string;
  reason?: StatusReason;
}

export interface DispatchInput {
  attrs: Attributes;
  invocations: Invocation[];
  /** The request's namespace object, undefined for cluster-scoped requests. */
  namespace: Record<string, unknown> | undefined;
  reinvocation: ReinvocationContext;
  /** A second pass: only the invocations the context names run. */
  reinvoke: boolean;
}

export function dispatchInvocations(input: DispatchInput): PolicyError[] {
  const { attrs: a, reinvocation } = input;
  const errors: PolicyError[] = [];
  for (const inv of input.invocations) {
    const { policy, binding, matched, param } = inv;
    const compiled = compilePolicy(policy);
    const expected = policy.spec.mutations?.length ?? 0;
    if (compiled.mutations.length !== expected) {
      throw newInternalError(
        `expected ${expected} compiled evaluators for policy ${policy.metadata.name}, got ${compiled.mutations.length}`,
      );
    }
    const convert = matched.equivalent ? a.equivalents?.convert : undefined;
    const inMatched = (obj: KubeObject | undefined) => (obj && convert ? convert(obj, matched.kind.version) : obj);
    const request = admissionRequest(a, matched.resource, matched.kind);
    const varsFor = (namespace: Record<string, unknown> | undefined) => {
      const vars = activation({ object: inMatched(a.object), oldObject: inMatched(a.oldObject), request, namespace, params: param });
      bindVariables(compiled.variables, vars);
      return vars;
    };

    // Upstream's match conditions are evaluated without the namespace object.
    const matches = evaluateMatchConditions(compiled, varsFor(undefined));
    if (matches !== true) {
      if (matches !== false) errors.push({ policy, binding, message: matches, reason: 'Invalid' });
      continue;
    }
    const key = invocationKey(inv);
    if (input.reinvoke && !reinvocation.shouldReinvoke(key)) continue;

    const before = a.object;
    for (const mutation of compiled.mutations) {
      const object = inMatched(a.object);
      if (!object) continue;
      let patched: KubeObject;
      try {
        patched = patch(mutation, {
          attrs: a,
          object,
          kind: matched.kind,
          equivalent: convert !== undefined,
          vars: varsFor(input.namespace),
        });
      } catch (err) {
        if (isStatusError(err)) throw err;
        errors.push({ policy, binding, message: (err as Error).message, reason: 'Invalid' });
        continue;
      }
      const back = convert ? convert(patched, a.resource.version) : patched;
      a.object = a.normalize ? a.normalize(back) : back;
    }
    if (!isDeepStrictEqual(before, a.object)) reinvocation.objectChanged();
    if (policy.spec.reinvocationPolicy === 'IfNeeded') reinvocation.invoked(key);
  }
  return errors;
}

/**
 * true when every condition holds (or there are none), false when one does not (or one failed under
 * failurePolicy Ignore), else the error: utilerrors' aggregate of every evaluation error.
 */
function evaluateMatchConditions(compiled: CompiledPolicy, vars: Record<string, unknown>): boolean | string {
  if (compiled.matchConditions.length === 0) return true;
  const ignore = compiled.policy.spec.failurePolicy === 'Ignore';
  const budget = { remaining: MATCH_CONDITIONS_COST_BUDGET };
  const errors: string[] = [];
  for (const { compiled: c } of compiled.matchConditions) {
    let result: ReturnType<typeof evaluateExpression>;
    try {
      result = evaluateExpression(c, vars, budget);
    } catch (err) {
      if (err instanceof OutOfBudget) return ignore ? false : err.message;
      throw err;
    }
    if (result.error !== undefined) errors.push(result.error);
    else if (result.value === false) return false;
    else if (result.value !== true) errors.push(noSuchOverload(c));
  }
  if (errors.length === 0) return true;
  if (ignore) return false;
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}

const noSuchOverload = (c: CompiledExpression) => `expression '${c.expression}' resulted in error: no such overload`;

/** Which invocation this is, across passes: the policy, the binding, and the param by namespace and name. */
function invocationKey(inv: Invocation): string {
  const meta = (inv.param as { metadata?: { namespace?: string; name?: string } } | undefined)?.metadata;
  return JSON.stringify([inv.policy.metadata.name, inv.binding.metadata.name, meta?.namespace ?? '', meta?.name ?? '']);
}
