/**
 * Evaluates compiled `x-kubernetes-validations` rules against an object (and, on update, its old version) as
 * apiextensions' cel `Validator.Validate` does: rules of a node run only where its value is present and not
 * null; transition rules only where the old value correlates (object fields, map keys, map-list keys), or
 * always with `optionalOldSelf`; messages, reasons, field paths, cost budget and ratcheting as upstream.
 */
import { Optional } from '@marcbachmann/cel-js';
import type { FieldError } from '../../../apimachinery/errors.js';
import { forbidden, goValue, invalid, required } from '../../../apimachinery/field.js';
import { goQuote } from '../../../apimachinery/go-format.js';
import { isPlainObject } from '../../../apimachinery/types.js';
import type { CompiledNode, CompiledRule, CompiledValidations, ValidateOptions, ValidationRule } from './compiled.js';
import { CostLimitExceeded, metered, PER_CALL_LIMIT, RUNTIME_CEL_COST_BUDGET } from '../../../cel/cost.js';
import { errorText } from '../../../cel/issues.js';
import { correlateListItems } from './correlation.js';
import { toCelValue } from './values.js';

/** `MaxEvaluatedMessageExpressionSizeBytes`. */
const MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;
const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

interface State {
  remaining: number;
  errs: FieldError[];
  warnings: string[] | undefined;
}

/** The node's value is unchanged from its correlated old value (or, uncorrelated, its nearest ancestor's is). */
type Ratchet = () => boolean;

export function validateRules(
  compiled: CompiledValidations,
  obj: unknown,
  old: unknown | undefined,
  opts: ValidateOptions = {},
): FieldError[] {
  const state: State = { remaining: opts.costBudget ?? RUNTIME_CEL_COST_BUDGET, errs: [], warnings: opts.warnings };
  const ratchet: Ratchet = old === undefined ? () => false : memo(() => jsonEqual(obj, old));
  validateNode(compiled.root, '', obj, old, ratchet, state);
  return state.errs;
}

const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
/** field.Path's String of the nil root path the CRD strategy validates with. */
const shown = (path: string): string => path || '<nil>';

function validateNode(node: CompiledNode | undefined, path: string, obj: unknown, old: unknown, ratchet: Ratchet, state: State): void {
  if (!node || obj === null || obj === undefined || state.remaining < 0) return;
  validateExpressions(node, path, obj, old === null ? undefined : old, ratchet, state);
  if (state.remaining < 0) return;
  if (Array.isArray(obj)) {
    if (!node.items) return;
    const oldItems = correlateListItems(node.schema, Array.isArray(old) ? old : undefined);
    for (let i = 0; i < obj.length && state.remaining >= 0; i++) {
      const oldItem = oldItems(obj[i]);
      validateNode(node.items, `${path}[${i}]`, obj[i], oldItem, childRatchet(obj[i], oldItem, ratchet), state);
    }
  } else if (isPlainObject(obj)) {
    const oldMap = isPlainObject(old) ? old : undefined;
    // Upstream visits additionalProperties, then properties; apiVersion and kind at the root never ratchet.
    if (node.additionalProperties) {
      for (const [k, v] of Object.entries(obj)) {
        if (state.remaining < 0) return;
        validateNode(node.additionalProperties, `${path}[${k}]`, v, oldMap?.[k], childRatchet(v, oldMap?.[k], ratchet), state);
      }
    }
    for (const [k, v] of Object.entries(obj)) {
      const sub = node.properties.get(k);
      if (!sub || state.remaining < 0) continue;
      const r = path === '' && (k === 'apiVersion' || k === 'kind') ? () => false : childRatchet(v, oldMap?.[k], ratchet);
      validateNode(sub, child(path, k), v, oldMap?.[k], r, state);
    }
  }
}

function childRatchet(value: unknown, old: unknown, parent: Ratchet): Ratchet {
  return old === undefined ? parent : memo(() => jsonEqual(value, old));
}

function validateExpressions(node: CompiledNode, path: string, obj: unknown, old: unknown, ratchet: Ratchet, state: State): void {
  if (node.rules.length === 0) return;
  const type = node.schema.type ?? '';
  if (state.remaining <= 0) {
    state.errs.push(invalid(shown(path), type, OUT_OF_BUDGET));
    state.remaining = -1;
    return;
  }
  const self = toCelValue(obj, node.type);
  const oldSelf = old === undefined ? undefined : toCelValue(old, node.type);
  for (const compiled of node.rules) {
    const { rule, program } = compiled;
    if (!program) continue;
    const optionalOldSelf = rule.optionalOldSelf === true;
    // Transition rules run only where there is an old value to compare with, unless oldSelf is optional.
    if (compiled.usesOldSelf && oldSelf === undefined && !optionalOldSelf) continue;
    const vars = {
      self,
      oldSelf: optionalOldSelf ? (oldSelf === undefined ? Optional.none() : Optional.of(oldSelf)) : oldSelf,
    };
    const outcome = evaluate(() => program(vars));
    if (outcome.cost > state.remaining) {
      state.errs.push(invalid(shown(path), type, OUT_OF_BUDGET));
      state.remaining = -1;
      return;
    }
    state.remaining -= outcome.cost;
    if ('error' in outcome) {
      const err = outcome.error;
      if (err instanceof CostLimitExceeded) {
        state.errs.push(
          invalid(
            shown(path),
            type,
            `'${err.message}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(rule)}`,
          ),
        );
        state.remaining = -1;
        return;
      }
      const text = errorText(err);
      const detail = text.startsWith('no such overload')
        ? `'${text}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`
        : `${text} evaluating rule: ${ruleErrorString(rule)}`;
      state.errs.push(invalid(shown(path), type, detail));
      continue;
    }
    if (outcome.value === true) continue;

    const at = compiled.fieldPath ? child(path, compiled.fieldPath) : shown(path);
    const message = messageFor(compiled, vars, at, type, state);
    if (message === undefined) return;
    const err = fieldErrorForReason(at, type === 'object' || type === 'array' ? OMIT : obj, message, rule);
    if (!compiled.usesOldSelf && ratchet()) state.warnings?.push(`${err.field}: ${err.message}`);
    else state.errs.push(err);
  }
}

/** The failure's detail: messageExpression's result when it gives a usable one, else the message. Undefined: stop. */
function messageFor(compiled: CompiledRule, vars: object, at: string, type: string, state: State): string | undefined {
  const expr = compiled.messageExpression;
  if (!expr) return ruleMessageOrDefault(compiled.rule);
  const outcome = evaluate(() => expr(vars));
  if (outcome.cost > state.remaining) {
    state.errs.push(
      invalid(at, type, 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run'),
    );
    state.remaining = -1;
    return undefined;
  }
  if ('error' in outcome && outcome.error instanceof CostLimitExceeded) {
    state.errs.push(
      invalid(
        at,
        type,
        `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${goQuote(compiled.rule.messageExpression!)}`,
      ),
    );
    state.remaining = -1;
    return undefined;
  }
  state.remaining -= outcome.cost;
  if ('error' in outcome || typeof outcome.value !== 'string') return ruleMessageOrDefault(compiled.rule);
  const msg = outcome.value.trim();
  if (msg === '' || msg.includes('\n') || Buffer.byteLength(msg) > MAX_MESSAGE_EXPRESSION_BYTES) return ruleMessageOrDefault(compiled.rule);
  return msg;
}

type Outcome = { value: unknown; cost: number } | { error: unknown; cost: number };

function evaluate(fn: () => unknown): Outcome {
  try {
    return metered(PER_CALL_LIMIT, fn);
  } catch (error) {
    return { error, cost: (error as { cost?: number }).cost ?? 0 };
  }
}

const ruleErrorString = (rule: ValidationRule): string => (rule.message ? rule.message.trim() : rule.rule.trim());

const ruleMessageOrDefault = (rule: ValidationRule): string =>
  rule.message ? rule.message.trim() : `failed rule: ${ruleErrorString(rule)}`;

/** field.OmitValueType: objects and lists are not printed in a failed rule's error. */
const OMIT = Symbol('omit value');

function fieldErrorForReason(field: string, value: unknown, detail: string, rule: ValidationRule): FieldError {
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return forbidden(field, detail);
    case 'FieldValueRequired':
      return required(field, detail);
    case 'FieldValueDuplicate':
      return { type: 'FieldValueDuplicate', field, message: value === OMIT ? 'Duplicate value' : `Duplicate value: ${goValue(value)}` };
    default:
      return value === OMIT ? { type: 'FieldValueInvalid', field, message: `Invalid value: ${detail}` } : invalid(field, value, detail);
  }
}

function memo(fn: () => boolean): Ratchet {
  let v: boolean | undefined;
  return () => (v ??= fn());
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}
