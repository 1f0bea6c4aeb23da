/**
 * The rules a custom resource's create and update follow (apiextensions-apiserver's customresource
 * strategy plus `rest.BeforeCreate`/`BeforeUpdate`): what the server sets, what it keeps from the old
 * object, when generation moves, and which validations run.
 */
import { randomUUID } from 'node:crypto';
import { type FieldError, newInvalid } from '../../apimachinery/errors.js';
import { invalid } from '../../apimachinery/field.js';
import type { ScaleSubresource } from '../definitions/types.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { generateName } from '../metadata/generate-name.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../metadata/validate-object-meta.js';
import { validateListSetsAndMaps } from '../schema/list-type.js';
import { validate as validateSchema } from '../schema/validate.js';
import type { ResourceScope } from './scope.js';

/** Timestamps as kube-apiserver writes them: RFC 3339, whole seconds, UTC. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function prepareForCreate(obj: KubeObject, scope: ResourceScope, namespace: string): void {
  const meta = obj.metadata;
  if (scope.def.scope === 'Namespaced') meta.namespace = namespace;
  else delete meta.namespace;
  if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
  meta.uid = randomUUID();
  meta.creationTimestamp = now();
  meta.generation = 1;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  // With a status subresource, status is written only through /status.
  if (scope.version.subresources.status) delete obj.status;
}

/**
 * Fills `obj` from `old` for an update of the main resource (`subresource` '') or of /status:
 * the status endpoint changes only .status; the main endpoint leaves .status alone when the resource has
 * a status subresource. Generation moves when anything but metadata (and status, when split) changed.
 */
export function prepareForUpdate(obj: KubeObject, old: KubeObject, scope: ResourceScope, subresource: string): KubeObject {
  if (subresource === 'status') {
    const next = structuredClone(old);
    if (obj.status === undefined) delete next.status;
    else next.status = obj.status;
    // The field manager recorded the status write in the new object's managedFields: they stay.
    if (obj.metadata.managedFields) next.metadata.managedFields = obj.metadata.managedFields;
    else delete next.metadata.managedFields;
    return next;
  }
  const meta = obj.metadata;
  const oldMeta = old.metadata;
  if (scope.version.subresources.status) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  }
  meta.generation = oldMeta.generation ?? 1;
  if (!meta.uid) meta.uid = oldMeta.uid;
  if (oldMeta.creationTimestamp) meta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (specChanged(obj, old, scope.version.subresources.status)) meta.generation = (oldMeta.generation ?? 1) + 1;
  return obj;
}

function specChanged(obj: KubeObject, old: KubeObject, statusSplit: boolean): boolean {
  const strip = (o: KubeObject): Record<string, unknown> => {
    const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = o;
    if (statusSplit) delete rest.status;
    return rest;
  };
  return canonicalJSON(strip(obj)) !== canonicalJSON(strip(old));
}

/** JSON with sorted keys, so key order never counts as a change. */
function canonicalJSON(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function validateCreate(obj: KubeObject, scope: ResourceScope): void {
  const errs: FieldError[] = [
    ...validateObjectMeta(obj.metadata, { namespaced: scope.def.scope === 'Namespaced', isCreate: true, decoded: true }),
    ...validateBody(obj, scope),
  ];
  if (scope.version.schema) errs.push(...validateListSetsAndMaps(withoutMeta(obj), scope.version.schema));
  errs.push(...validateCelRules(errs, obj, undefined, scope));
  errs.push(...(scope.def.strategy?.validate?.(obj, scope.version.name) ?? []));
  throwIfInvalid(errs, obj, scope);
}

/** `warnings` takes what ratcheting let through: a rule still failing on a value the update left as it was. */
export function validateUpdate(obj: KubeObject, old: KubeObject, scope: ResourceScope, warnings?: string[]): void {
  const errs: FieldError[] = [...validateObjectMetaUpdate(obj.metadata, old.metadata, true), ...validateBody(obj, scope, old)];
  const schema = scope.version.schema;
  // List uniqueness ratchets as a whole: an object already breaking it may still be updated.
  if (schema && validateListSetsAndMaps(withoutMeta(old), schema).length === 0) {
    errs.push(...validateListSetsAndMaps(withoutMeta(obj), schema));
  }
  errs.push(...validateCelRules(errs, obj, old, scope, warnings));
  errs.push(...(scope.def.strategy?.validate?.(obj, scope.version.name) ?? []));
  throwIfInvalid(errs, obj, scope);
}

function withoutMeta(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, ...rest } = obj;
  return rest;
}

/**
 * x-kubernetes-validations, after the schema: not run at all when the object already has an error that
 * could make a rule fail for the wrong reason (`hasBlockingErr`), which is said instead.
 */
function validateCelRules(
  errs: FieldError[],
  obj: KubeObject,
  old: KubeObject | undefined,
  scope: ResourceScope,
  warnings?: string[],
): FieldError[] {
  const compiled = scope.version.validations;
  if (!compiled) return [];
  const blocking = ['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid'];
  if (errs.some((e) => blocking.includes(e.type))) {
    return [
      invalid(
        '<nil>',
        null,
        'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      ),
    ];
  }
  return compiled.validate(obj, old, { warnings });
}

/** On update, the schema ratchets against the old object (see schema/validate.ts); the scale paths never do. */
function validateBody(obj: KubeObject, scope: ResourceScope, old?: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (scope.version.schema) errs.push(...validateSchema(withoutMeta(obj), scope.version.schema, '', old && { value: withoutMeta(old) }));
  const scale = scope.version.subresources.scale;
  if (scale) errs.push(...validateScalePaths(obj, scale));
  return errs;
}

/**
 * apiextensions-apiserver's `ValidateScaleSpec` and `ValidateScaleStatus`: the replicas the scale subresource
 * reads must be int32 and not negative, whatever the schema says, reported on the path as written (`.spec.replicas`).
 */
function validateScalePaths(obj: KubeObject, scale: ScaleSubresource): FieldError[] {
  const errs: FieldError[] = [];
  for (const path of [scale.specReplicasPath, scale.statusReplicasPath]) {
    const value = valueAt(obj, path);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      errs.push(
        invalid(
          path,
          0,
          `${path.replace(/^\./, '')} accessor error: ${JSON.stringify(value)} is of the type ${typeof value}, expected int64`,
        ),
      );
    } else if (value < 0) {
      errs.push(invalid(path, value, 'should be greater than or equal to 0'));
    } else if (value > 2_147_483_647) {
      errs.push(invalid(path, value, 'should be less than or equal to 2147483647'));
    }
  }
  return errs;
}

function valueAt(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function throwIfInvalid(errs: FieldError[], obj: KubeObject, scope: ResourceScope): void {
  if (errs.length > 0) throw newInvalid(scope.groupKind, obj.metadata.name ?? '', errs);
}
