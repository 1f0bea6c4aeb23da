/**
 * Runtime cost, approximated. cel-go charges each evaluated node (and string and list functions by size)
 * against a per-call limit and the validator's per-object budget; the JavaScript CEL library has no cost
 * tracking, so every evaluated AST node costs one step and the Kubernetes library functions add their
 * size-proportional cost through `chargeCost`. The limits are upstream's (k8s.io/apiserver/pkg/apis/cel).
 */

/** `PerCallLimit`: the most one rule or messageExpression evaluation may cost. */
export const PER_CALL_LIMIT = 1_000_000;
/** `RuntimeCELCostBudget`: the most all rules of one object may cost together. */
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;

/** Thrown out of an evaluation that went over its limit: cel-go's message for it. */
export class CostLimitExceeded extends Error {
  constructor() {
    super('operation cancelled: actual cost limit exceeded');
  }
}

/** The meter of the evaluation under way (evaluation is synchronous, so one at a time). */
let meter = { cost: 0, limit: Number.POSITIVE_INFINITY };

export function chargeCost(n: number): void {
  meter.cost += n;
  if (meter.cost > meter.limit) throw new CostLimitExceeded();
}

/** Runs `fn` metered; answers its result and what it cost (also when it threw: the cost is on the error). */
export function metered<T>(limit: number, fn: () => T): { value: T; cost: number } {
  const previous = meter;
  meter = { cost: 0, limit };
  try {
    const value = fn();
    return { value, cost: meter.cost };
  } catch (err) {
    if (err instanceof Error) (err as Error & { cost?: number }).cost = meter.cost;
    throw err;
  } finally {
    meter = previous;
  }
}

type Evaluate = (ev: unknown, ast: unknown, ctx: unknown) => unknown;
interface AstNode {
  op: string;
  args: unknown;
  meta: { evaluate: Evaluate; alternate?: AstNode; macro?: { evaluate: Evaluate } & Record<string, unknown> };
  evaluate: Evaluate;
}

const isNode = (x: unknown): x is AstNode =>
  typeof x === 'object' && x !== null && 'op' in x && 'meta' in x && typeof (x as AstNode).evaluate === 'function';

/**
 * Makes every node of a checked AST charge one step when evaluated, and says whether the expression names
 * `oldSelf`. It resolves each node's evaluator as the library's own `ASTNode.evaluate` does (alternate, then
 * macro, then the node's operator), which it must do after type checking, where those are chosen.
 */
export function instrument(root: unknown): { usesOldSelf: boolean } {
  let usesOldSelf = false;
  const seen = new Set<object>();
  const work: unknown[] = [root];
  while (work.length > 0) {
    const x = work.pop();
    if (typeof x !== 'object' || x === null || seen.has(x)) continue;
    seen.add(x);
    if (Array.isArray(x)) {
      work.push(...x);
      continue;
    }
    if (!isNode(x)) {
      if (Object.getPrototypeOf(x) === Object.prototype) work.push(...Object.values(x));
      continue;
    }
    if (x.op === 'id' && x.args === 'oldSelf') usesOldSelf = true;
    const meta = x.meta;
    const inner: Evaluate = meta.alternate
      ? (ev, _ast, ctx) => meta.alternate!.evaluate(ev, meta.alternate, ctx)
      : meta.macro
        ? (ev, _ast, ctx) => meta.macro!.evaluate(ev, meta.macro, ctx)
        : meta.evaluate;
    x.evaluate = (ev, ast, ctx) => {
      chargeCost(1);
      return inner(ev, ast, ctx);
    };
    work.push(x.args, meta.alternate);
    if (meta.macro) work.push(...Object.values(meta.macro));
  }
  return { usesOldSelf };
}
