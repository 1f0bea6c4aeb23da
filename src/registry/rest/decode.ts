/**
 * Turns a request body into an object of the URL's version: checks apiVersion and kind, drops fields the
 * schema does not know (an error under fieldValidation=Strict, a warning under Warn), and applies defaults,
 * as apiextensions-apiserver's decoder does for custom resources.
 */
import { newBadRequest, StatusError } from '../../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { applyDefaults } from '../schema/defaults.js';
import { prune } from '../schema/prune.js';
import type { ResourceScope, WriteOptions } from './scope.js';

/** ObjectMeta's fields; anything else under metadata is an unknown field. */
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers',
  'managedFields',
]);

/** The body as the missing-kind message quotes it: empty for no body, at most 1 KB of it otherwise. */
function shown(body: unknown): string {
  if (body === undefined) return '';
  const text = JSON.stringify(body);
  return text.length > 1024 ? `${text.slice(0, 1024)}...` : text;
}

export function decodeObject(body: unknown, scope: ResourceScope, opts: WriteOptions): KubeObject {
  if (!isPlainObject(body)) {
    throw newBadRequest(`Object 'Kind' is missing in '${shown(body)}'`);
  }
  const { apiVersion, kind } = body;
  if (typeof kind !== 'string' || kind === '') {
    throw newBadRequest(`Object 'Kind' is missing in '${shown(body)}'`);
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw newBadRequest(`Object 'apiVersion' is missing in '${shown(body)}'`);
  }
  if (apiVersion !== scope.apiVersion) {
    throw newBadRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${scope.apiVersion})`);
  }
  if (kind !== scope.def.names.kind) {
    throw newBadRequest(`the kind in the data (${kind}) does not match the expected kind (${scope.def.names.kind})`);
  }
  const obj = structuredClone(body) as KubeObject;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isPlainObject(obj.metadata)) {
    throw newBadRequest('metadata: Invalid value: the metadata of the object must be an object');
  }
  const unknown = pruneMetadata(obj.metadata as Record<string, unknown>);
  if (scope.version.schema) {
    unknown.push(...prune(obj, scope.version.schema).map((p) => p.replace(/^\./, '')));
  }
  reportStrictErrors([...opts.strictErrors, ...unknown.map((f) => `unknown field "${f}"`)], opts);
  if (scope.version.schema) applyDefaults(obj, scope.version.schema);
  scope.def.strategy?.default?.(obj, scope.version.name);
  return obj;
}

function pruneMetadata(meta: Record<string, unknown>): string[] {
  const unknown: string[] = [];
  for (const field of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(field)) {
      unknown.push(`metadata.${field}`);
      delete meta[field];
    }
  }
  delete meta.selfLink;
  return unknown;
}

/** A Strict decode that found unknown or repeated fields (`runtime.StrictDecodingError`): 400 on create and update. */
export class StrictDecodingError extends StatusError {
  constructor(readonly errors: string[]) {
    super({ code: 400, reason: 'BadRequest', message: `strict decoding error: ${errors.join(', ')}` });
  }
}

/** fieldValidation: Strict fails the request, Warn adds a warning per field, Ignore drops them silently. */
function reportStrictErrors(messages: string[], opts: WriteOptions): void {
  if (messages.length === 0 || opts.fieldValidation === 'Ignore') return;
  if (opts.fieldValidation === 'Strict') throw new StrictDecodingError(messages);
  opts.warnings.push(...messages);
}
