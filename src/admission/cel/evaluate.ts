/**
 * Evaluating compiled admission expressions against one activation under a cost budget (`condition.ForInput`):
 * each call is limited to PerCallLimit, all of one evaluation together to the budget the caller gives; an
 * error is upstream's `expression '<expr>' resulted in error: <detail>`.
 */
import { CostLimitExceeded, metered, PER_CALL_LIMIT } from '../../cel/cost.js';
import { errorText } from '../../cel/issues.js';
import type { CompiledExpression } from './compile.js';

export const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

/** What one evaluation may still spend; shared by the expressions of one policy evaluation. */
export interface Budget {
  remaining: number;
}

export type Evaluation = { value: unknown; error?: undefined } | { value?: undefined; error: string };

/** Thrown when the budget runs out: nothing after it is evaluated. */
export class OutOfBudget extends Error {
  constructor() {
    super(OUT_OF_BUDGET);
  }
}

export function evaluateExpression(compiled: CompiledExpression, vars: Record<string, unknown>, budget: Budget): Evaluation {
  if (compiled.error !== undefined) return { error: compiled.error };
  const program = compiled.program;
  let outcome: { value: unknown; cost: number } | { error: unknown; cost: number };
  try {
    outcome = metered(PER_CALL_LIMIT, () => program(vars));
  } catch (error) {
    outcome = { error, cost: (error as { cost?: number }).cost ?? 0 };
  }
  budget.remaining -= outcome.cost;
  if (budget.remaining < 0) throw new OutOfBudget();
  if ('error' in outcome) {
    const detail = outcome.error instanceof CostLimitExceeded ? outcome.error.message : errorText(outcome.error);
    return { error: `expression '${compiled.expression}' resulted in error: ${detail}` };
  }
  return { value: outcome.value };
}
