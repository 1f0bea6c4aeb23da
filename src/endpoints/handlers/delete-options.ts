/**
 * DeleteOptions of a DELETE, as kube-apiserver's delete handlers read them: from the body when there is one
 * (kubectl and client-go send `{"propagationPolicy":"Background","dryRun":["All"]}` there), else from the
 * query; never both. A body or parameter that does not decode is 400; options that decode but are not
 * allowed are 422 (`ValidateDeleteOptions`).
 */
import type { FastifyRequest } from 'fastify';
import { newBadRequest } from '../../apimachinery/errors.js';
import { type DeleteOptions, newInvalidOptions, validateDeleteOptions } from '../../apimachinery/options.js';
import { isPlainObject } from '../../apimachinery/types.js';
import type { ResourceScope } from '../../registry/rest/scope.js';
import { intParam, optionalBoolParam, queryParam, queryParams } from './query.js';

/** The group versions a DeleteOptions body may name (per-group DeleteOptions are still accepted upstream). */
const DELETE_OPTIONS_VERSIONS = new Set(['meta.k8s.io/v1', 'meta.k8s.io/v1beta1', 'v1']);

export function deleteOptionsFrom(req: FastifyRequest, scope: ResourceScope): DeleteOptions {
  const options = req.body === undefined ? fromQuery(req) : fromBody(req.body, scope);
  const errs = validateDeleteOptions(options);
  if (errs.length > 0) throw newInvalidOptions('DeleteOptions', errs);
  return options;
}

function fromQuery(req: FastifyRequest): DeleteOptions {
  const options: DeleteOptions = {};
  const grace = intParam(req, 'gracePeriodSeconds');
  if (grace !== undefined) options.gracePeriodSeconds = grace;
  const orphan = optionalBoolParam(req, 'orphanDependents');
  if (orphan !== undefined) options.orphanDependents = orphan;
  const policy = queryParam(req, 'propagationPolicy');
  if (policy !== undefined && policy !== '') options.propagationPolicy = policy;
  const dryRun = queryParams(req, 'dryRun');
  if (dryRun.length > 0) options.dryRun = dryRun;
  return options;
}

/** Go's JSON decoding into `metav1.DeleteOptions`: unknown fields are ignored, null is unset, types are strict. */
function fromBody(body: unknown, scope: ResourceScope): DeleteOptions {
  if (!isPlainObject(body)) {
    throw newBadRequest(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonType(body)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    );
  }
  const kind = field(body, 'kind', 'string', 'TypeMeta.kind');
  const apiVersion = field(body, 'apiVersion', 'string', 'TypeMeta.apiVersion');
  if (
    (kind ?? 'DeleteOptions') !== 'DeleteOptions' ||
    (apiVersion !== undefined && apiVersion !== '' && !DELETE_OPTIONS_VERSIONS.has(apiVersion) && apiVersion !== scope.apiVersion)
  ) {
    throw newBadRequest(
      `no kind "${kind ?? 'DeleteOptions'}" is registered for version "${apiVersion ?? ''}" in scheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/scheme.go:28"`,
    );
  }
  const options: DeleteOptions = {};
  const grace = field(body, 'gracePeriodSeconds', 'integer', 'DeleteOptions.gracePeriodSeconds');
  if (grace !== undefined) options.gracePeriodSeconds = grace;
  const orphan = field(body, 'orphanDependents', 'boolean', 'DeleteOptions.orphanDependents');
  if (orphan !== undefined) options.orphanDependents = orphan;
  const policy = field(body, 'propagationPolicy', 'string', 'DeleteOptions.propagationPolicy');
  if (policy !== undefined) options.propagationPolicy = policy;
  const dryRun = field(body, 'dryRun', 'string-array', 'DeleteOptions.dryRun');
  if (dryRun !== undefined) options.dryRun = dryRun;
  const pre = field(body, 'preconditions', 'object', 'DeleteOptions.preconditions');
  if (pre !== undefined) {
    options.preconditions = {};
    const uid = field(pre, 'uid', 'string', 'Preconditions.preconditions.uid');
    if (uid !== undefined) options.preconditions.uid = uid;
    const rv = field(pre, 'resourceVersion', 'string', 'Preconditions.preconditions.resourceVersion');
    if (rv !== undefined) options.preconditions.resourceVersion = rv;
  }
  return options;
}

interface FieldTypes {
  string: string;
  integer: number;
  boolean: boolean;
  object: Record<string, unknown>;
  'string-array': string[];
}

const GO_TYPES: Record<keyof FieldTypes, string> = {
  string: 'string',
  integer: 'int64',
  boolean: 'bool',
  object: 'v1.Preconditions',
  'string-array': '[]string',
};

function field<T extends keyof FieldTypes>(
  obj: Record<string, unknown>,
  name: string,
  type: T,
  goField: string,
): FieldTypes[T] | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  const ok =
    type === 'string'
      ? typeof v === 'string'
      : type === 'integer'
        ? Number.isSafeInteger(v)
        : type === 'boolean'
          ? typeof v === 'boolean'
          : type === 'object'
            ? isPlainObject(v)
            : Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (!ok) {
    throw newBadRequest(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${goField} of type ${GO_TYPES[type]}`);
  }
  return v as FieldTypes[T];
}

/** How Go's encoding/json names a JSON value in an unmarshal error. */
function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? `number` : `number ${v}`;
  return typeof v === 'object' ? 'object' : typeof v;
}
