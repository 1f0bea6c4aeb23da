/**
 * ObjectMeta's OpenAPI schema as kube-apiserver serves it, with the list and map types that decide how its
 * fields are owned. A custom resource's `metadata` is always this schema, whatever its CRD declares,
 * because the apiextensions OpenAPI builder replaces it with a reference to ObjectMeta.
 */
import type { JSONSchemaProps } from '../definitions/types.js';

const string: JSONSchemaProps = { type: 'string' };
const time: JSONSchemaProps = { type: 'string', format: 'date-time' };
const int64: JSONSchemaProps = { type: 'integer', format: 'int64' };
const stringMap: JSONSchemaProps = { type: 'object', additionalProperties: string };

/** `+structType=atomic`: an owner reference is owned whole. */
const ownerReference: JSONSchemaProps = {
  type: 'object',
  required: ['apiVersion', 'kind', 'name', 'uid'],
  properties: {
    apiVersion: string,
    blockOwnerDeletion: { type: 'boolean' },
    controller: { type: 'boolean' },
    kind: string,
    name: string,
    uid: string,
  },
  'x-kubernetes-map-type': 'atomic',
};

const managedFieldsEntry: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: string,
    fieldsType: string,
    fieldsV1: { type: 'object' },
    manager: string,
    operation: string,
    subresource: string,
    time,
  },
};

export const OBJECT_META_SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    annotations: stringMap,
    creationTimestamp: time,
    deletionGracePeriodSeconds: int64,
    deletionTimestamp: time,
    // `+listType=set`: each finalizer is owned on its own.
    finalizers: { type: 'array', items: string, 'x-kubernetes-list-type': 'set' },
    generateName: string,
    generation: int64,
    labels: stringMap,
    managedFields: { type: 'array', items: managedFieldsEntry, 'x-kubernetes-list-type': 'atomic' },
    name: string,
    namespace: string,
    // `+listType=map +listMapKey=uid`.
    ownerReferences: {
      type: 'array',
      items: ownerReference,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
    },
    resourceVersion: string,
    selfLink: string,
    uid: string,
  },
};
