/**
 * What `x-kubernetes-validations` holds and what compile.ts makes of it: types only, shared by compile.ts,
 * validate.ts and what loads definitions, which must not load the CEL library for definitions without rules.
 */
import type { ParseResult } from '@marcbachmann/cel-js';
import type { FieldError } from '../../../apimachinery/errors.js';
import type { JSONSchemaProps } from '../../definitions/json-schema.js';
import type { DeclType } from './decl-type.js';

export type ValidationReason = 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';

/** One entry of `x-kubernetes-validations`. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: ValidationReason;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface CompiledRule {
  rule: ValidationRule;
  /** Undefined for a blank rule, which upstream skips. */
  program: ParseResult | undefined;
  messageExpression: ParseResult | undefined;
  /** The rule names `oldSelf`: a transition rule. */
  usesOldSelf: boolean;
  /** `fieldPath` as a field path relative to the node (`spec.x`, `m[key]`). */
  fieldPath: string | undefined;
}

/** A schema node with rules at or below it. */
export interface CompiledNode {
  schema: JSONSchemaProps;
  type: DeclType;
  /** The root of the resource or of an embedded resource: apiVersion, kind and metadata.name are visible. */
  isResourceRoot: boolean;
  rules: CompiledRule[];
  properties: Map<string, CompiledNode>;
  items: CompiledNode | undefined;
  additionalProperties: CompiledNode | undefined;
}

export interface CompiledValidations {
  root: CompiledNode | undefined;
  /**
   * The rules' errors for `obj` (and `old`, on update): validate.ts's validateRules, reached through here so
   * that what validates objects loads the CEL library only when a definition has rules.
   */
  validate(obj: unknown, old: unknown | undefined, opts?: ValidateOptions): FieldError[];
}

export interface ValidateOptions {
  /** Cost the rules of this object may spend together; upstream's RuntimeCELCostBudget by default. */
  costBudget?: number;
  /**
   * On update, a rule that does not use oldSelf and fails on a value unchanged from the old object is no
   * error (CRD validation ratcheting); its error is added here as `field: message`, upstream's warning.
   */
  warnings?: string[];
}
