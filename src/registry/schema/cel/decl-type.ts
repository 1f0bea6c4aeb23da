/**
 * The CEL type of a schema node, as k8s.io/apiserver/pkg/cel/common `SchemaDeclType` builds it: objects with
 * their (escapable) properties as fields, maps for additionalProperties, lists, int-or-string as dyn, string
 * formats byte/duration/date/date-time as bytes/duration/timestamp; a node with no type is not visible.
 */
import type { JSONSchemaProps } from '../../definitions/json-schema.js';
import { escapeFieldName } from './escaping.js';

export type ScalarName = 'int' | 'double' | 'string' | 'bool' | 'bytes' | 'duration' | 'timestamp';

export interface ObjectField {
  /** The name rules use (escaped). */
  celName: string;
  type: DeclType;
}

export type DeclType =
  | { kind: 'scalar'; name: ScalarName }
  | { kind: 'dyn' }
  | { kind: 'list'; elem: DeclType }
  | { kind: 'map'; elem: DeclType }
  | { kind: 'object'; name: string; ctor: new () => object; fields: Map<string, ObjectField> };

export type ObjectType = Extract<DeclType, { kind: 'object' }>;

/** The object types of one schema, in the order they must be registered (fields before their owners). */
export class TypeRegistry {
  readonly objects: ObjectType[] = [];

  newObject(fields: Map<string, ObjectField>): ObjectType {
    const name = `object${this.objects.length}`;
    // A class per type: the CEL library tells registered types apart by constructor.
    const ctor = { [name]: class {} }[name]!;
    const t: ObjectType = { kind: 'object', name, ctor, fields };
    this.objects.push(t);
    return t;
  }
}

/** The name of a type in CEL signatures (`list<object3>`, `map<string, int>`). */
export function celTypeName(t: DeclType): string {
  switch (t.kind) {
    case 'scalar':
      return t.name === 'duration' ? 'google.protobuf.Duration' : t.name === 'timestamp' ? 'google.protobuf.Timestamp' : t.name;
    case 'dyn':
      return 'dyn';
    case 'list':
      return `list<${celTypeName(t.elem)}>`;
    case 'map':
      return `map<string, ${celTypeName(t.elem)}>`;
    case 'object':
      return t.name;
  }
}

/** `DNS1123SubdomainMaxLength`: the bound upstream puts on `metadata.name` when the schema sets none. */
const NAME_MAX_LENGTH = 253;

/**
 * `WithTypeAndObjectMeta`: at the root of a resource (and of an embedded resource) rules see `apiVersion`,
 * `kind`, `metadata.name` and `metadata.generateName`, and nothing else of metadata; the names bounded by the
 * longest name the API server accepts (what the cost estimate sizes them by).
 */
export function withTypeAndObjectMeta(s: JSONSchemaProps): JSONSchemaProps {
  const p = s.properties ?? {};
  const meta = p.metadata;
  if (
    p.kind?.type === 'string' &&
    p.apiVersion?.type === 'string' &&
    meta?.type === 'object' &&
    meta.properties?.name?.type === 'string' &&
    meta.properties?.generateName?.type === 'string'
  ) {
    return s;
  }
  const capped = (existing: JSONSchemaProps | undefined, max: number): JSONSchemaProps => {
    const declared = typeof existing?.maxLength === 'number' ? Math.max(0, existing.maxLength) : undefined;
    return { type: 'string', maxLength: declared !== undefined && declared < max ? declared : max };
  };
  const metaProps = meta?.properties ?? {};
  return {
    ...s,
    properties: {
      ...p,
      kind: { type: 'string' },
      apiVersion: { type: 'string' },
      metadata: {
        type: 'object',
        // A generated name adds at least one character to generateName.
        properties: { name: capped(metaProps.name, NAME_MAX_LENGTH), generateName: capped(metaProps.generateName, NAME_MAX_LENGTH - 1) },
      },
    },
  };
}

export function schemaDeclType(s: JSONSchemaProps | undefined, isResourceRoot: boolean, reg: TypeRegistry): DeclType | undefined {
  if (!s) return undefined;
  if (s['x-kubernetes-int-or-string']) return { kind: 'dyn' };
  const schema = isResourceRoot ? withTypeAndObjectMeta(s) : s;
  switch (schema.type) {
    case 'array': {
      const elem = schema.items && schemaDeclType(schema.items, !!schema.items['x-kubernetes-embedded-resource'], reg);
      return elem && { kind: 'list', elem };
    }
    case 'object': {
      const ap = schema.additionalProperties;
      if (typeof ap === 'object' && ap !== null) {
        const elem = schemaDeclType(ap, !!ap['x-kubernetes-embedded-resource'], reg);
        return elem && { kind: 'map', elem };
      }
      const fields = new Map<string, ObjectField>();
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        const celName = escapeFieldName(name);
        const type = schemaDeclType(prop, !!prop['x-kubernetes-embedded-resource'], reg);
        if (celName && type) fields.set(name, { celName, type });
      }
      return reg.newObject(fields);
    }
    case 'string':
      switch (schema.format) {
        case 'byte':
          return { kind: 'scalar', name: 'bytes' };
        case 'duration':
          return { kind: 'scalar', name: 'duration' };
        case 'date':
        case 'date-time':
          return { kind: 'scalar', name: 'timestamp' };
      }
      return { kind: 'scalar', name: 'string' };
    case 'boolean':
      return { kind: 'scalar', name: 'bool' };
    case 'number':
      return { kind: 'scalar', name: 'double' };
    case 'integer':
      return { kind: 'scalar', name: 'int' };
  }
  return undefined;
}
