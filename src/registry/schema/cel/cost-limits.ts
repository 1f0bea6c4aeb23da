/**
 * The limits apiextensions' CRD validation puts on rules' estimated costs (validation.go), with its messages:
 * per expression, the cost of one evaluation times the most times the node can occur in an object; per schema,
 * the sum of those.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { forbidden } from '../../../apimachinery/field.js';

/** `StaticEstimatedCostLimit`: the most one rule may cost across every occurrence of its node. */
const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
/** `StaticEstimatedCRDCostLimit`: the most all rules of one version's schema may cost together. */
const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;

/** uint64's saturation, which upstream's sums and products stop at. */
const MAX_UINT64 = 2 ** 64;

/** `getCostErrorMessage`, with Go's `%f` and `%.1f`. */
function costErrorMessage(costName: string, cost: number, limit: number): string {
  const exceed = cost / limit;
  const factor = exceed > 100 ? 'more than 100' : goFixed(exceed, exceed < 1.5 ? 6 : 1);
  return (
    `${costName} exceeds budget by factor of ${factor}x (try simplifying the rule, or adding maxItems, maxProperties, ` +
    'and maxLength where arrays, maps, and strings are declared)'
  );
}

/** Go's fixed-point formatting rounds an exact tie to even where JavaScript's `toFixed` rounds it up. */
function goFixed(x: number, digits: number): string {
  const scaled = x * 10 ** digits;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && floor % 2 === 0) return (floor / 10 ** digits).toFixed(digits);
  return x.toFixed(digits);
}

/** How many of the dearest expressions a refusal names, and the least share of the limit that gets one named. */
const MOST_EXPENSIVE = 4;
const EXPENSIVE_SHARE = STATIC_ESTIMATED_CRD_COST_LIMIT / 100;

/** `TotalCost`: the estimated costs of a schema's rules and messageExpressions, observed in validation order. */
export class TotalCost {
  private total = 0;
  private readonly expensive: { path: string; cost: number }[] = [];

  /**
   * Counts one expression's estimated cost, times the most times it runs per object (`cardinality`), toward the
   * total; answers the refusal when that alone is over `StaticEstimatedCostLimit`. An expression whose cost
   * could not be estimated (Infinity) is neither refused nor counted: kube-apiserver refuses it, but the
   * estimate errs towards accepting.
   */
  observe(field: string, costName: string, cost: number, cardinality: number): FieldError[] {
    if (cost === Number.POSITIVE_INFINITY) return [];
    // multiplyWithOverflowGuard
    const total = cost === 0 ? 0 : Math.min(cost * cardinality, MAX_UINT64);
    this.total = Math.min(this.total + total, MAX_UINT64);
    if (total >= EXPENSIVE_SHARE) this.expensive.push({ path: field, cost: total });
    return total > STATIC_ESTIMATED_COST_LIMIT ? [forbidden(field, costErrorMessage(costName, total, STATIC_ESTIMATED_COST_LIMIT))] : [];
  }

  /** The refusal of a schema whose rules cost too much together, under `schemaPath` (its openAPIV3Schema). */
  errors(schemaPath: string): FieldError[] {
    if (this.total <= STATIC_ESTIMATED_CRD_COST_LIMIT) return [];
    // Upstream keeps the dearest four as it goes, sorting stably: ties keep the order they were observed in.
    const dearest = [...this.expensive].sort((a, b) => b.cost - a.cost).slice(0, MOST_EXPENSIVE);
    return [
      ...dearest.map((e) => forbidden(e.path, 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema')),
      forbidden(
        schemaPath,
        costErrorMessage(
          'x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema',
          this.total,
          STATIC_ESTIMATED_CRD_COST_LIMIT,
        ),
      ),
    ];
  }
}
