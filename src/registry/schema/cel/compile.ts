/**
 * Compiles every `x-kubernetes-validations` rule of an openAPIV3Schema when a definition is loaded, with the
 * checks and messages of apiextensions' CRD validation (validation.go) and rule compilation (compilation.go),
 * into a tree that parallels the schema and holds only the nodes with rules beneath them.
 */
import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import type { FieldError } from '../../../apimachinery/errors.js';
import { invalid, notSupported, PrintedValue, required } from '../../../apimachinery/field.js';
import { goJSONString } from '../../../apimachinery/go-format.js';
import type { JSONSchemaProps } from '../../definitions/json-schema.js';
import { instrument } from '../../../cel/cost.js';
import { celTypeName, type DeclType, schemaDeclType, TypeRegistry } from './decl-type.js';
import { schemaEnvironment } from './environment.js';
import { escapeFieldName } from './escaping.js';
import { normalizeFieldPath } from './field-path.js';
import { compileIssue } from '../../../cel/issues.js';
import { estimateCost } from './cost-estimate.js';
import { TotalCost } from './cost-limits.js';
import type { CompiledNode, CompiledRule, CompiledValidations, ValidationRule } from './compiled.js';
import { hasRules, rulesOf } from './rules.js';
import { childCardinality, sizedType, unboundedCardinality } from './schema-sizes.js';
import { validateRules } from './validate.js';

/** The definition's rules do not compile; `errors` are the causes kube-apiserver would give. */
export class CelCompileError extends Error {
  constructor(readonly errors: FieldError[]) {
    const rendered = errors.map((e) => `${e.field}: ${e.message}`);
    super(rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`);
    this.name = 'CelCompileError';
  }
}

const REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

/** The schema's own rules, as the node tree is built; compiled once every type is known. */
interface PendingNode extends CompiledNode {
  path: string;
  /** Path of the list above this node whose items do not correlate with old ones, if any. */
  uncorrelatable: string | undefined;
  /** The most times the node occurs in one object (maxItems and maxProperties above it); undefined if unbounded. */
  maxCardinality: number | undefined;
}

/**
 * `basePath` is where the schema sits in the definition (`spec.versions[1].schema.openAPIV3Schema` when versions
 * differ); errors are reported under it.
 */
export function compileValidations(schema: JSONSchemaProps, basePath = 'spec.validation.openAPIV3Schema'): CompiledValidations {
  const reg = new TypeRegistry();
  const pending: PendingNode[] = [];
  const errs: FieldError[] = [];
  const root = buildNode(schema, schemaDeclType(schema, true, reg), true, basePath, undefined, 1, reg, pending, errs);
  const env = schemaEnvironment(reg);
  // Like kube-apiserver, refuse rules too expensive to run, each and together.
  const totalCost = new TotalCost();
  for (const node of pending) compileNodeRules(node, env, totalCost, errs);
  errs.push(...totalCost.errors(basePath));
  if (errs.length > 0) throw new CelCompileError(errs);
  const compiled: CompiledValidations = { root, validate: (obj, old, opts) => validateRules(compiled, obj, old, opts) };
  return compiled;
}

function buildNode(
  schema: JSONSchemaProps,
  type: DeclType | undefined,
  isResourceRoot: boolean,
  path: string,
  uncorrelatable: string | undefined,
  maxCardinality: number | undefined,
  reg: TypeRegistry,
  pending: PendingNode[],
  errs: FieldError[],
): CompiledNode | undefined {
  if (!hasRules(schema)) return undefined;
  if (!type) {
    if (rulesOf(schema).length > 0) {
      errs.push(invalid(`${path}.x-kubernetes-validations`, 'object', 'failed to convert to declType for CEL validation rules'));
    }
    return undefined;
  }
  const node: PendingNode = {
    schema,
    type,
    isResourceRoot,
    rules: [],
    properties: new Map(),
    items: undefined,
    additionalProperties: undefined,
    path,
    uncorrelatable,
    maxCardinality,
  };
  const childMaxCardinality = childCardinality(schema, maxCardinality);
  const elem = type.kind === 'list' || type.kind === 'map' ? type.elem : undefined;
  if (schema.items) {
    const items = schema.items;
    const correlatable = schema['x-kubernetes-list-type'] === 'map';
    node.items = buildNode(
      items,
      elem,
      !!items['x-kubernetes-embedded-resource'],
      `${path}.items`,
      uncorrelatable ?? (correlatable ? undefined : path),
      childMaxCardinality,
      reg,
      pending,
      errs,
    );
  }
  const ap = schema.additionalProperties;
  if (typeof ap === 'object' && ap !== null) {
    node.additionalProperties = buildNode(
      ap,
      elem,
      !!ap['x-kubernetes-embedded-resource'],
      `${path}.additionalProperties`,
      uncorrelatable,
      childMaxCardinality,
      reg,
      pending,
      errs,
    );
  }
  for (const [k, prop] of Object.entries(schema.properties ?? {})) {
    // A property rules cannot name (unescapable) still has its own rules, over a type of its own.
    const escaped = escapeFieldName(k);
    const fieldType =
      escaped !== undefined
        ? type.kind === 'object'
          ? type.fields.get(k)?.type
          : undefined
        : schemaDeclType(prop, !!prop['x-kubernetes-embedded-resource'], reg);
    const child = buildNode(
      prop,
      fieldType,
      !!prop['x-kubernetes-embedded-resource'],
      `${path}.properties[${k}]`,
      uncorrelatable,
      childMaxCardinality,
      reg,
      pending,
      errs,
    );
    if (child) node.properties.set(k, child);
  }
  // Upstream validates a node's rules after those below it, which orders errors and the costs it totals.
  if (rulesOf(schema).length > 0) pending.push(node);
  return node;
}

function compileNodeRules(node: PendingNode, env: Environment, totalCost: TotalCost, errs: FieldError[]): void {
  const selfType = celTypeName(node.type);
  const envs = new Map<boolean, Environment>();
  const envFor = (optionalOldSelf: boolean): Environment => {
    let e = envs.get(optionalOldSelf);
    if (!e) {
      e = env
        .clone()
        .registerVariable('self', selfType)
        .registerVariable('oldSelf', optionalOldSelf ? `optional<${selfType}>` : selfType);
      envs.set(optionalOldSelf, e);
    }
    return e;
  };
  rulesOf(node.schema).forEach((rule, i) => {
    const at = `${node.path}.x-kubernetes-validations[${i}]`;
    const before = errs.length;
    errs.push(...ruleShapeErrors(rule, node.schema, at));
    if (errs.length > before) return;
    node.rules.push(compileRule(rule, envFor(rule.optionalOldSelf === true), node, at, totalCost, errs));
  });
}

/** The checks of a rule's fields made before compiling it (apiextensions' ValidateCustomResourceDefinition). */
function ruleShapeErrors(rule: ValidationRule, schema: JSONSchemaProps, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const msg = rule.message ?? '';
  const trimmedRule = (rule.rule ?? '').trim();
  const trimmedMsg = msg.trim();
  if (trimmedRule === '') errs.push(required(`${at}.rule`, 'rule is not specified'));
  else if (msg.length > 0 && trimmedMsg === '') errs.push(invalid(`${at}.message`, msg, 'must be non-empty if specified'));
  else if (/\n/.test(trimmedMsg)) errs.push(invalid(`${at}.message`, msg, 'must not contain line breaks'));
  else if (/\n/.test(trimmedRule) && trimmedMsg === '') {
    errs.push(required(`${at}.message`, 'message must be specified if rule contains line breaks'));
  }
  if (rule.messageExpression !== undefined && rule.messageExpression.length > 0 && rule.messageExpression.trim() === '') {
    errs.push(required(`${at}.messageExpression`, 'messageExpression must be non-empty if specified'));
  }
  if (rule.reason !== undefined && !REASONS.includes(rule.reason)) errs.push(notSupported(`${at}.reason`, rule.reason, REASONS));
  const fp = rule.fieldPath;
  if (fp !== undefined && fp.length > 0) {
    if (fp.trim() === '') errs.push(invalid(`${at}.fieldPath`, fp, 'must be non-empty if specified'));
    if (/\n/.test(fp)) errs.push(invalid(`${at}.fieldPath`, fp, 'must not contain line breaks'));
    if (normalizeFieldPath(fp, schema) === undefined) errs.push(invalid(`${at}.fieldPath`, fp, 'must be a valid path'));
  }
  return errs;
}

/** Upstream prints the internal ValidationRule struct (no json tags) as encoding/json does. */
function printedRule(rule: ValidationRule): PrintedValue {
  const str = (s: string | undefined) => goJSONString(s ?? '');
  const reason = rule.reason === undefined ? 'null' : goJSONString(rule.reason);
  const optional = rule.optionalOldSelf === undefined ? 'null' : String(rule.optionalOldSelf);
  return new PrintedValue(
    `{"Rule":${str(rule.rule)},"Message":${str(rule.message)},"MessageExpression":${str(rule.messageExpression)},` +
      `"Reason":${reason},"FieldPath":${str(rule.fieldPath)},"OptionalOldSelf":${optional}}`,
  );
}

/** Parses and type-checks one expression; answers its program, or the detail of why not. */
function compileExpression(env: Environment, src: string): { program: ParseResult; type: string } | { issue: string } {
  let program: ParseResult;
  try {
    program = env.parse(src);
  } catch (err) {
    return { issue: compileIssue(err, src) };
  }
  const checked = program.check();
  if (!checked.valid) return { issue: compileIssue(checked.error, src) };
  return { program, type: checked.type ?? 'dyn' };
}

function compileRule(
  rule: ValidationRule,
  env: Environment,
  node: PendingNode,
  at: string,
  totalCost: TotalCost,
  errs: FieldError[],
): CompiledRule {
  const out: CompiledRule = { rule, program: undefined, messageExpression: undefined, usesOldSelf: false, fieldPath: undefined };
  const compiled = compileExpression(env, rule.rule);
  if ('issue' in compiled) {
    errs.push(invalid(`${at}.rule`, printedRule(rule), `compilation failed: ${compiled.issue}`));
    return out;
  }
  if (compiled.type !== 'bool') {
    errs.push(invalid(`${at}.rule`, printedRule(rule), 'cel expression must evaluate to a bool'));
    return out;
  }
  out.usesOldSelf = instrument(compiled.program.ast).usesOldSelf;
  out.program = compiled.program;
  const sizes = sizedType(node.schema, node.isResourceRoot);
  if (sizes) {
    // A rule runs once per occurrence of its node; unbounded, as many times as values of it fit in a request.
    const cardinality = node.maxCardinality ?? unboundedCardinality(sizes);
    errs.push(...totalCost.observe(`${at}.rule`, 'estimated rule cost', estimateCost(compiled.program.ast, sizes), cardinality));
  }
  if (out.usesOldSelf && node.uncorrelatable !== undefined) {
    errs.push(
      invalid(`${at}.rule`, rule.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${node.uncorrelatable}`),
    );
  } else if (!out.usesOldSelf && rule.optionalOldSelf !== undefined) {
    errs.push(invalid(`${at}.optionalOldSelf`, rule.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
  }
  if (rule.messageExpression) {
    const msg = compileExpression(env, rule.messageExpression);
    if ('issue' in msg) {
      errs.push(invalid(`${at}.messageExpression`, printedRule(rule), `messageExpression compilation failed: ${msg.issue}`));
    } else if (msg.type !== 'string') {
      errs.push(invalid(`${at}.messageExpression`, printedRule(rule), 'messageExpression must evaluate to a string'));
    } else {
      instrument(msg.program.ast);
      out.messageExpression = msg.program;
      if (sizes) {
        const cost = estimateCost(msg.program.ast, sizes);
        errs.push(...totalCost.observe(`${at}.messageExpression`, 'estimated messageExpression cost', cost, 1));
      }
    }
  }
  if (rule.fieldPath) out.fieldPath = normalizeFieldPath(rule.fieldPath, node.schema);
  return out;
}
