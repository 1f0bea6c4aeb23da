/**
 * The sizes kube-apiserver's static cost estimate assumes for a schema's values (k8s.io/apiserver/pkg/cel/common
 * `SchemaDeclType`: a type's `MaxElements` and `MinSerializedSize`), and how many times one object can hold a
 * schema node (apiextensions' `CELSchemaContext.MaxCardinality`).
 */
import { byteLength } from '../../../apimachinery/go-format.js';
import type { JSONSchemaProps } from '../../definitions/json-schema.js';
import { withTypeAndObjectMeta } from './decl-type.js';
import { escapeFieldName } from './escaping.js';

/** `MaxRequestSizeBytes`: the largest request kube-apiserver accepts, which bounds every undeclared size. */
const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;

/** What the cost estimate knows of a value of one schema node. */
export interface SizedType {
  /** Most bytes of a string, items of a list or entries of a map; 0 for objects, numbers and booleans, as upstream. */
  maxElements: number;
  /** The fewest bytes the value takes in JSON. */
  minSerializedSize: number;
  /** An object's fields by the name rules use (escaped). */
  fields?: Map<string, SizedType>;
  /** A list's items or a map's values. */
  elem?: SizedType;
  /** A map's keys. */
  key?: SizedType;
}

// Upstream's own constants (k8s.io/apiserver/pkg/cel/limits.go) for strings whose format bounds their size.
const MAX_DATETIME_SIZE_JSON = 32;
const MAX_DURATION_SIZE_JSON = 32;
const JSON_DATE_SIZE = 12;

const leaf = (maxElements: number, minSerializedSize: number): SizedType => ({ maxElements, minSerializedSize });
/** Map keys are upstream's shared `StringType`, which declares no size. */
const MAP_KEY = leaf(0, 2);
const UNBOUNDED_STRING = MAX_REQUEST_SIZE_BYTES - 2;

const limit = (s: JSONSchemaProps, keyword: string): number | undefined => {
  const v = s[keyword];
  return typeof v === 'number' ? Math.max(0, v) : undefined;
};
const embedded = (s: JSONSchemaProps): boolean => !!s['x-kubernetes-embedded-resource'];

const memo = [new WeakMap<JSONSchemaProps, SizedType | undefined>(), new WeakMap<JSONSchemaProps, SizedType | undefined>()];

/** The sizes of a node's values; undefined where rules cannot see the node (as its CEL type). */
export function sizedType(s: JSONSchemaProps, isResourceRoot: boolean): SizedType | undefined {
  const cache = memo[isResourceRoot ? 1 : 0]!;
  if (!cache.has(s)) cache.set(s, computeSizedType(s, isResourceRoot));
  return cache.get(s);
}

function computeSizedType(s: JSONSchemaProps, isResourceRoot: boolean): SizedType | undefined {
  // maxLength counts characters and a character takes up to 4 bytes.
  const maxLength = limit(s, 'maxLength');
  if (s['x-kubernetes-int-or-string']) return leaf(maxLength !== undefined ? maxLength * 4 : UNBOUNDED_STRING, 1);
  const schema = isResourceRoot ? withTypeAndObjectMeta(s) : s;
  switch (schema.type) {
    case 'array': {
      const items = schema.items && sizedType(schema.items, embedded(schema.items));
      if (!items) return undefined;
      // Each item takes at least its own minimum size and a comma.
      const max = limit(schema, 'maxItems') ?? Math.floor(UNBOUNDED_STRING / (items.minSerializedSize + 1));
      return { maxElements: max, minSerializedSize: 2, elem: items };
    }
    case 'object': {
      const ap = schema.additionalProperties;
      if (typeof ap === 'object' && ap !== null) {
        const values = sizedType(ap, embedded(ap));
        if (!values) return undefined;
        // Each entry takes at least its value's minimum size, an empty key, a colon and a comma.
        const max = limit(schema, 'maxProperties') ?? Math.floor(UNBOUNDED_STRING / (values.minSerializedSize + 6));
        return { maxElements: max, minSerializedSize: 2, elem: values, key: MAP_KEY };
      }
      const fields = new Map<string, SizedType>();
      let minSerializedSize = 2;
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        const t = sizedType(prop, embedded(prop));
        if (!t) continue;
        const celName = escapeFieldName(name);
        if (celName !== undefined) fields.set(celName, t);
        // A required field without a default is always serialized: its quoted name, a colon and a comma.
        if (schema.required?.includes(name) && (prop.default === undefined || prop.default === null)) {
          minSerializedSize += byteLength(name) + t.minSerializedSize + 4;
        }
      }
      return { maxElements: 0, minSerializedSize, fields };
    }
    case 'string':
      switch (schema.format) {
        case 'byte':
          return leaf(maxLength ?? UNBOUNDED_STRING, 2);
        case 'duration':
          return leaf(MAX_DURATION_SIZE_JSON, 3);
        case 'date':
          return leaf(JSON_DATE_SIZE, JSON_DATE_SIZE);
        case 'date-time':
          return leaf(MAX_DATETIME_SIZE_JSON, 21);
      }
      if (maxLength !== undefined) return leaf(maxLength * 4, 2);
      if (schema.enum && schema.enum.length > 0) {
        return leaf(Math.max(0, ...schema.enum.map((v) => (typeof v === 'string' ? byteLength(v) : 0))), 2);
      }
      return leaf(UNBOUNDED_STRING, 2);
    case 'boolean':
      return leaf(0, 4);
    case 'number':
    case 'integer':
      return leaf(0, 1);
  }
  return undefined;
}

/**
 * The most times a child of `parent` occurs in one object, given how often `parent` does (`childContext`):
 * lists and maps multiply by their maxItems or maxProperties; undefined is unbounded.
 */
export function childCardinality(parent: JSONSchemaProps, parentCardinality: number | undefined): number | undefined {
  if (parentCardinality === undefined) return undefined;
  let factor: number | undefined = 1;
  if (parent.type === 'array') factor = limit(parent, 'maxItems');
  else if (parent.type === 'object' && parent.additionalProperties !== undefined) factor = limit(parent, 'maxProperties');
  return factor === undefined ? undefined : parentCardinality * factor;
}

/** How many values of a node fit in one request, for a node no maxItems or maxProperties bounds (`maxCardinality`). */
export function unboundedCardinality(t: SizedType): number {
  return Math.floor(MAX_REQUEST_SIZE_BYTES / (t.minSerializedSize + 1));
}
