/**
 * The OpenAPI schemas of the served kinds, named as kube-apiserver names CRD schemas (reversed group, then
 * version and kind: `com.example.wardle.v1alpha1.Flunder`), each with `x-kubernetes-group-version-kind`
 * so that `kubectl explain` finds it, plus the apimachinery types they refer to.
 */
import type { JSONSchemaProps, ResourceDefinition, VersionDefinition } from '../../registry/definitions/types.js';

export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

const API_VERSION_PROPERTY: JSONSchemaProps = {
  type: 'string',
  description:
    'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
};
const KIND_PROPERTY: JSONSchemaProps = {
  type: 'string',
  description:
    'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
};

export function definitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** v2 has neither nullable nor the logical keywords a v3 structural schema may carry. */
function toV2(schema: JSONSchemaProps): JSONSchemaProps {
  const { nullable: _n, anyOf: _a, oneOf: _o, not: _x, allOf: _l, ...rest } = schema;
  const out: JSONSchemaProps = { ...rest };
  if (schema['x-kubernetes-int-or-string']) {
    out.type = 'string';
    out.format = 'int-or-string';
  }
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, toV2(v)]));
  if (schema.items) out.items = toV2(schema.items);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
    out.additionalProperties = toV2(schema.additionalProperties);
  return out;
}

function kindSchema(def: ResourceDefinition, version: VersionDefinition, ref: (name: string) => string, v2: boolean): JSONSchemaProps {
  const base: JSONSchemaProps = structuredClone(version.schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  const schema = v2 ? toV2(base) : base;
  schema.type = 'object';
  schema.properties = {
    ...schema.properties,
    apiVersion: API_VERSION_PROPERTY,
    kind: KIND_PROPERTY,
    metadata: {
      description:
        "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
      ...(v2 ? { $ref: ref(OBJECT_META) } : { allOf: [{ $ref: ref(OBJECT_META) }] }),
    },
  };
  schema['x-kubernetes-group-version-kind'] = [{ group: def.group, version: version.name, kind: def.names.kind }];
  return schema;
}

function listSchema(def: ResourceDefinition, version: VersionDefinition, ref: (name: string) => string): JSONSchemaProps {
  return {
    type: 'object',
    description: `${def.names.listKind} is a list of ${def.names.kind}`,
    required: ['items'],
    properties: {
      apiVersion: API_VERSION_PROPERTY,
      kind: KIND_PROPERTY,
      items: {
        type: 'array',
        description: `List of ${def.names.plural}.`,
        items: { $ref: ref(definitionName(def.group, version.name, def.names.kind)) } as JSONSchemaProps,
      },
      metadata: { $ref: ref(LIST_META) } as JSONSchemaProps,
    },
    'x-kubernetes-group-version-kind': [{ group: def.group, version: version.name, kind: def.names.listKind }],
  };
}

const META_SCHEMAS: Record<string, JSONSchemaProps> = {
  [OBJECT_META]: {
    type: 'object',
    description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
    properties: {
      name: { type: 'string', description: 'Name must be unique within a namespace.' },
      generateName: {
        type: 'string',
        description:
          'GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.',
      },
      namespace: { type: 'string', description: 'Namespace defines the space within which each name must be unique.' },
      uid: { type: 'string', description: 'UID is the unique in time and space value for this object.' },
      resourceVersion: { type: 'string', description: 'An opaque value that represents the internal version of this object.' },
      generation: {
        type: 'integer',
        format: 'int64',
        description: 'A sequence number representing a specific generation of the desired state.',
      },
      creationTimestamp: {
        type: 'string',
        format: 'date-time',
        description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
      },
      deletionTimestamp: {
        type: 'string',
        format: 'date-time',
        description: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.',
      },
      deletionGracePeriodSeconds: {
        type: 'integer',
        format: 'int64',
        description: 'Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.',
      },
      labels: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Map of string keys and values that can be used to organize and categorize (scope and select) objects.',
      },
      annotations: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description:
          'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.',
      },
      finalizers: {
        type: 'array',
        items: { type: 'string' },
        description: 'Must be empty before the object is deleted from the registry.',
      },
      ownerReferences: {
        type: 'array',
        items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        description: 'List of objects depended by this object.',
      },
    },
  },
  [LIST_META]: {
    type: 'object',
    description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
    properties: {
      resourceVersion: { type: 'string', description: "String that identifies the server's internal version of this object." },
      continue: { type: 'string', description: 'continue may be set if the user set a limit on the number of items returned.' },
      remainingItemCount: {
        type: 'integer',
        format: 'int64',
        description: 'The number of subsequent items in the list which are not included in this list response.',
      },
    },
  },
};

/** Every schema one group-version needs, keyed by definition name. */
export function schemasFor(
  defs: ResourceDefinition[],
  group: string,
  version: string,
  ref: (name: string) => string,
  v2: boolean,
): Record<string, JSONSchemaProps> {
  const out: Record<string, JSONSchemaProps> = { ...structuredClone(META_SCHEMAS) };
  for (const d of defs) {
    if (d.group !== group) continue;
    const v = d.versions.find((x) => x.name === version && x.served);
    if (!v) continue;
    out[definitionName(d.group, v.name, d.names.kind)] = kindSchema(d, v, ref, v2);
    out[definitionName(d.group, v.name, d.names.listKind)] = listSchema(d, v, ref);
  }
  return out;
}
