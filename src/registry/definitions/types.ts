/**
 * The served API, as read from CustomResourceDefinition-format YAML: what every other layer
 * (registry, endpoints, discovery, OpenAPI, Table) needs to know about a resource and its versions.
 */
import type { CompiledValidations } from '../schema/cel/compiled.js';
import type { JSONSchemaProps } from './json-schema.js';
import type { FieldError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';

export type { JSONSchemaProps } from './json-schema.js';

export interface PrinterColumn {
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority: number;
  /** A simple JSONPath such as `.spec.replicas`, as in a CRD. */
  jsonPath: string;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface VersionDefinition {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  schema?: JSONSchemaProps;
  /** The schema's x-kubernetes-validations, compiled at load; absent when it has none. */
  validations?: CompiledValidations;
  additionalPrinterColumns: PrinterColumn[];
  /** JSONPaths (e.g. `.spec.color`) usable in fieldSelector besides metadata.name and metadata.namespace. */
  selectableFields: string[];
  subresources: { status: boolean; scale?: ScaleSubresource };
}

export interface Names {
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  shortNames: string[];
  categories: string[];
}

/** Converts a stored or received object to another version of the same group. */
export type Converter = (obj: KubeObject, toVersion: string) => KubeObject;

export interface ResourceDefinition {
  group: string;
  names: Names;
  scope: 'Namespaced' | 'Cluster';
  /** In the definition's order. */
  versions: VersionDefinition[];
  /** The name of the version with `storage: true`. */
  storageVersion: string;
  /** Strategy `None` sets apiVersion only; a kind with a CodeStrategy may carry a real conversion. */
  convert: Converter;
  /** The file it came from, for error messages. */
  source: string;
  /** Rules beyond the schema, from a CodeStrategy registered for the kind (CRD-format YAML has none). */
  strategy?: Strategy;
}

/** Defaulting and validation in code, for a kind such as the sample-apiserver's Flunder. */
export interface Strategy {
  /**
   * The top-level fields Go's zero value of the kind carries (`{spec: {}, status: {}}` for struct-typed
   * spec and status): the object a create is compared with for managedFields, as upstream's
   * `scope.Creater.New(kind)`. A CRD's zero value is empty.
   */
  zero?(): Record<string, unknown>;
  default?(obj: KubeObject, version: string): void;
  validate?(obj: KubeObject, version: string): FieldError[];
}
