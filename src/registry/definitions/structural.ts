/**
 * The structural-schema rules apiextensions-apiserver enforces on `openAPIV3Schema`: every node says its
 * type (unless int-or-string or preserve-unknown-fields), arrays have items, and only the supported
 * keywords appear. Returns the first problem found, with its path inside the schema.
 */
import { isPlainObject } from '../../apimachinery/types.js';

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const KEYWORDS = new Set([
  'description',
  'type',
  'format',
  'title',
  'default',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'enum',
  'maxProperties',
  'minProperties',
  'required',
  'items',
  'allOf',
  'oneOf',
  'anyOf',
  'not',
  'properties',
  'additionalProperties',
  'nullable',
  'example',
  'externalDocs',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);

export interface SchemaProblem {
  path: (string | number)[];
  message: string;
}

export function checkStructural(schema: unknown, path: (string | number)[] = [], logical = false): SchemaProblem | undefined {
  if (!isPlainObject(schema)) return { path, message: 'must be an object' };
  for (const k of Object.keys(schema)) {
    if (!KEYWORDS.has(k)) return { path: [...path, k], message: `Forbidden: ${k} is not supported` };
  }
  const type = schema.type;
  const untyped = schema['x-kubernetes-int-or-string'] === true || schema['x-kubernetes-preserve-unknown-fields'] === true;
  // Inside allOf/anyOf/oneOf/not a node only narrows the typed node around it.
  if (!logical) {
    if (type === undefined && !untyped)
      return { path: [...path, 'type'], message: 'Required value: must not be empty for specified object fields' };
  }
  if (type !== undefined && (typeof type !== 'string' || !TYPES.has(type))) {
    return {
      path: [...path, 'type'],
      message: `Unsupported value: "${String(type)}": supported values: "array", "boolean", "integer", "number", "object", "string"`,
    };
  }
  if (type === 'array' && schema.items === undefined && !logical)
    return { path: [...path, 'items'], message: 'Required value: must be specified' };
  if (isPlainObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      const p = checkStructural(sub, [...path, 'properties', name], logical);
      if (p) return p;
    }
  }
  if (schema.items !== undefined) {
    const p = checkStructural(schema.items, [...path, 'items'], logical);
    if (p) return p;
  }
  if (isPlainObject(schema.additionalProperties)) {
    if (schema.properties !== undefined)
      return { path: [...path, 'additionalProperties'], message: 'Forbidden: additionalProperties and properties are mutual exclusive' };
    const p = checkStructural(schema.additionalProperties, [...path, 'additionalProperties'], logical);
    if (p) return p;
  }
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[k];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return { path: [...path, k], message: 'must be a list' };
    for (let i = 0; i < list.length; i++) {
      const p = checkStructural(list[i], [...path, k, i], true);
      if (p) return p;
    }
  }
  return undefined;
}
