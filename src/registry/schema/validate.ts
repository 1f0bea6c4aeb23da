/**
 * Validates a custom resource against its structural `openAPIV3Schema`, with the field paths, cause types and
 * wording kube-apiserver gives (go-openapi's messages as apiextensions-apiserver turns them into field errors),
 * so a 422 from us reads like a 422 from a CRD.
 *
 * On update, validation ratchets (CRDValidationRatcheting, GA in 1.33): a node whose value equals its
 * correlated old value is not refused for anything in it, so an object that became invalid when the schema
 * tightened may still be updated elsewhere. Object fields correlate by name, map-list items by their keys;
 * set and atomic list items do not correlate (the list as a whole still does).
 */
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../../apimachinery/errors.js';
import { isPlainObject } from '../../apimachinery/types.js';
import type { JSONSchemaProps } from '../definitions/types.js';
import { correlateListItems } from './cel/correlation.js';
import { meetsFormat } from './formats.js';

/** A value as Go's `%#v`-like rendering in field errors shows it: strings quoted, the rest as JSON. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return '"null"';
  return JSON.stringify(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const at = (path: string): string => path || '<root>';

/** The correlated old value of a node on update; absent on create and where nothing correlates. */
export interface Old {
  value: unknown;
}

export function validate(value: unknown, schema: JSONSchemaProps, path = '', old?: Old): FieldError[] {
  if (old && isDeepStrictEqual(value, old.value)) return [];
  const errs: FieldError[] = [];
  const invalid = (message: string): void => {
    errs.push({ type: 'FieldValueInvalid', field: at(path), message: `Invalid value: ${shown(value)}: ${message}` });
  };
  if (value === null) {
    if (schema.nullable || (schema['x-kubernetes-preserve-unknown-fields'] && schema.type === undefined)) return errs;
    if (schema.type) {
      errs.push({
        type: 'FieldValueTypeInvalid',
        field: at(path),
        message: `Invalid value: "null": ${at(path)} in body must be of type ${schema.type}: "null"`,
      });
    }
    return errs;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
      errs.push({
        type: 'FieldValueTypeInvalid',
        field: at(path),
        message: `Invalid value: ${shown(value)}: ${at(path)} in body must be of type integer or string: ${JSON.stringify(typeName(value))}`,
      });
      return errs;
    }
  } else if (schema.type && !hasType(value, schema.type)) {
    errs.push({
      type: 'FieldValueTypeInvalid',
      field: at(path),
      message: `Invalid value: ${JSON.stringify(typeName(value))}: ${at(path)} in body must be of type ${schema.type}: ${JSON.stringify(typeName(value))}`,
    });
    return errs;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errs.push({
      type: 'FieldValueNotSupported',
      field: at(path),
      message: `Unsupported value: ${shown(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    });
  }
  if (typeof value === 'string') validateString(value, schema, path, invalid, errs);
  if (typeof value === 'number') validateNumber(value, schema, path, invalid, errs);
  if (Array.isArray(value)) {
    const min = schema.minItems as number | undefined;
    const max = schema.maxItems as number | undefined;
    if (min !== undefined && value.length < min) invalid(`${at(path)} in body should have at least ${min} items`);
    if (max !== undefined && value.length > max) {
      errs.push({ type: 'FieldValueTooMany', field: at(path), message: `Too many: ${value.length}: must have at most ${max} items` });
    }
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      errs.push({ type: 'FieldValueDuplicate', field: at(path), message: `Duplicate value: ${shown(value)}` });
    }
    if (schema.items) {
      const items = schema.items;
      const correlated = correlateListItems(schema, old && Array.isArray(old.value) ? old.value : undefined);
      value.forEach((item, i) => {
        const oldItem = correlated(item);
        errs.push(...validate(item, items, `${path}[${i}]`, oldItem === undefined ? undefined : { value: oldItem }));
      });
    }
  }
  if (isPlainObject(value)) validateObject(value, schema, path, invalid, errs, old);
  for (const sub of (schema.allOf as JSONSchemaProps[] | undefined) ?? []) errs.push(...validate(value, sub, path, old));
  const anyOf = schema.anyOf as JSONSchemaProps[] | undefined;
  if (anyOf && !anyOf.some((s) => validate(value, s, path).length === 0))
    invalid(`${at(path)} in body must match at least one schema in anyOf`);
  const oneOf = schema.oneOf as JSONSchemaProps[] | undefined;
  if (oneOf && oneOf.filter((s) => validate(value, s, path).length === 0).length !== 1)
    invalid(`${at(path)} in body must validate one and only one schema (oneOf)`);
  return errs;
}

function validateString(value: string, schema: JSONSchemaProps, path: string, invalid: (m: string) => void, errs: FieldError[]): void {
  const min = schema.minLength as number | undefined;
  const max = schema.maxLength as number | undefined;
  if (min !== undefined && [...value].length < min) invalid(`${at(path)} in body should be at least ${min} chars long`);
  if (max !== undefined && [...value].length > max) {
    errs.push({ type: 'FieldValueTooLong', field: at(path), message: `Too long: may not be more than ${max} bytes` });
  }
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    invalid(`${at(path)} in body should match '${schema.pattern}'`);
  }
  if (typeof schema.format === 'string' && !meetsFormat(schema.format, value)) {
    // go-openapi reports a format as a type: FieldValueTypeInvalid, as kube-apiserver answers.
    errs.push({
      type: 'FieldValueTypeInvalid',
      field: at(path),
      message: `Invalid value: ${JSON.stringify(value)}: ${at(path)} in body must be of type ${schema.format}: ${JSON.stringify(value)}`,
    });
  }
}

function validateNumber(value: number, schema: JSONSchemaProps, path: string, invalid: (m: string) => void, errs: FieldError[]): void {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  if (min !== undefined) {
    if (schema.exclusiveMinimum ? value <= min : value < min)
      invalid(`${at(path)} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${min}`);
  }
  if (max !== undefined) {
    if (schema.exclusiveMaximum ? value >= max : value > max)
      invalid(`${at(path)} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${max}`);
  }
  const multipleOf = schema.multipleOf as number | undefined;
  if (multipleOf && !Number.isInteger(value / multipleOf)) invalid(`${at(path)} in body should be a multiple of ${multipleOf}`);
  if (schema.format === 'int32' && (value > 2147483647 || value < -2147483648)) {
    // go-openapi's format error carries no path: kube-apiserver prints its nil field as `<nil>`.
    errs.push({
      type: 'FieldValueInvalid',
      field: '<nil>',
      message: `Invalid value: "": Checked value must be of type integer with format int32 in ${at(path)}`,
    });
  }
}

function validateObject(
  value: Record<string, unknown>,
  schema: JSONSchemaProps,
  path: string,
  invalid: (m: string) => void,
  errs: FieldError[],
  old: Old | undefined,
): void {
  const oldObject = old && isPlainObject(old.value) ? old.value : undefined;
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) errs.push({ type: 'FieldValueRequired', field: join(path, name), message: 'Required value' });
  }
  if (schema['x-kubernetes-embedded-resource']) {
    for (const name of ['apiVersion', 'kind']) {
      if (typeof value[name] !== 'string' || value[name] === '')
        errs.push({ type: 'FieldValueRequired', field: join(path, name), message: 'Required value: must not be empty' });
    }
  }
  const count = Object.keys(value).length;
  if (schema.minProperties !== undefined && count < (schema.minProperties as number))
    invalid(`${at(path)} in body should have at least ${String(schema.minProperties)} properties`);
  if (schema.maxProperties !== undefined && count > (schema.maxProperties as number)) {
    errs.push({
      type: 'FieldValueTooMany',
      field: at(path),
      message: `Too many: ${count}: must have at most ${String(schema.maxProperties)} items`,
    });
  }
  for (const [key, v] of Object.entries(value)) {
    const sub =
      schema.properties?.[key] ??
      (isPlainObject(schema.additionalProperties) ? (schema.additionalProperties as JSONSchemaProps) : undefined);
    if (sub) errs.push(...validate(v, sub, join(path, key), oldObject && { value: oldObject[key] }));
  }
}
