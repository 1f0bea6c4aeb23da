/**
 * `matchConditions` of webhooks (`webhook/matchconditions`): every condition is evaluated; the first that is
 * false makes the request not match (errors or not); otherwise any error (a compile error included) is an
 * error for the failure policy, and all true is a match. Conditions share RuntimeCELCostBudgetMatchConditions.
 */
import type { Attributes } from '../interfaces.js';
import { activation, admissionRequest } from './activation.js';
import { type CompiledExpression, compileExpression } from './compile.js';
import { admissionEnvironment } from './environment.js';
import { evaluateExpression, OutOfBudget } from './evaluate.js';

/** `RuntimeCELCostBudgetMatchConditions`. */
export const MATCH_CONDITIONS_COST_BUDGET = 2_500_000;

export interface MatchCondition {
  name: string;
  expression: string;
}

export type MatchResult = { matches: true } | { matches: false; failedConditionName: string };

export interface MatchConditionsMatcher {
  /**
   * Evaluates the conditions against attributes in the matched version (their kind and resource are
   * `request.kind` and `request.resource`); throws MatchConditionError when none is false and one failed.
   */
  match(attrs: Attributes, namespaceObject?: unknown): MatchResult;
}

export class MatchConditionError extends Error {
  constructor(errors: string[]) {
    // utilerrors.NewAggregate's rendering.
    super(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
    this.name = 'MatchConditionError';
  }
}

export function compileMatchConditions(conditions: readonly MatchCondition[]): MatchConditionsMatcher {
  const env = admissionEnvironment({ params: false });
  const compiled: { name: string; expr: CompiledExpression }[] = conditions.map((c) => ({
    name: c.name,
    expr: compileExpression(env, c.expression, ['bool']),
  }));
  return {
    match(attrs, namespace) {
      if (compiled.length === 0) return { matches: true };
      const vars = activation({
        object: attrs.object,
        oldObject: attrs.oldObject,
        request: admissionRequest(attrs, attrs.resource, attrs.kind),
        namespace: namespace as Record<string, unknown> | undefined,
      });
      const budget = { remaining: MATCH_CONDITIONS_COST_BUDGET };
      const errors: string[] = [];
      for (const { name, expr } of compiled) {
        let result: ReturnType<typeof evaluateExpression>;
        try {
          result = evaluateExpression(expr, vars, budget);
        } catch (err) {
          if (err instanceof OutOfBudget) throw new MatchConditionError([err.message]);
          throw err;
        }
        if (result.error !== undefined) errors.push(result.error);
        else if (result.value === false) return { matches: false, failedConditionName: name };
        else if (result.value !== true) errors.push(`expression '${expr.expression}' resulted in error: no such overload`);
      }
      if (errors.length > 0) throw new MatchConditionError(errors);
      return { matches: true };
    },
  };
}
