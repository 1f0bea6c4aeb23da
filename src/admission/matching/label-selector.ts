/**
 * metav1.LabelSelector as admission reads it (`metav1.LabelSelectorAsSelector`): matchLabels and
 * matchExpressions must all hold; an empty selector selects everything.
 */
import { goValue } from '../../apimachinery/field.js';
import { goQuote } from '../../apimachinery/go-format.js';
import type { LabelSelector, LabelSelectorRequirement } from './types.js';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Whether the labels satisfy the selector. An undefined selector selects everything, as the `{}` the API
 * defaults webhooks' and policies' selectors to does. A selector `labelSelectorError` refuses selects nothing.
 */
export function labelSelectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (labelSelectorIsEmpty(selector)) return true;
  if (labelSelectorError(selector) !== undefined) return false;
  const set = labels ?? {};
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) if (set[key] !== value) return false;
  return (selector?.matchExpressions ?? []).every((r) => requirementMatches(r, set));
}

/** `selector.Empty()`: no requirement at all. */
export function labelSelectorIsEmpty(selector: LabelSelector | undefined): boolean {
  return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

/**
 * The error `LabelSelectorAsSelector` returns for a selector it cannot turn into requirements, else
 * undefined. Label keys and values are not checked again: the kube-apiserver validated them when the
 * configuration was written, and only a structurally bad selector can arrive here.
 */
export function labelSelectorError(selector: LabelSelector | undefined): string | undefined {
  for (const r of selector?.matchExpressions ?? []) {
    if (!OPERATORS.has(r.operator)) return `${goQuote(String(r.operator))} is not a valid label selector operator`;
    // `labels.NewRequirement` copies the values with append([]string(nil), ...): none prints as null.
    const values = r.values?.length ? r.values : null;
    if ((r.operator === 'In' || r.operator === 'NotIn') && !values) {
      return `values: Invalid value: ${goValue(values)}: for 'in', 'notin' operators, values set can't be empty`;
    }
    if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && values) {
      return `values: Invalid value: ${goValue(values)}: values set must be empty for exists and does not exist`;
    }
  }
  return undefined;
}

function requirementMatches(r: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(labels[r.key]!);
    case 'NotIn':
      return !has || !(r.values ?? []).includes(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}
