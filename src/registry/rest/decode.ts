/**
 * Turns a request body into an object of the URL's version: checks apiVersion and kind, decodes metadata as
 * Go decodes ObjectMeta (a wrong type is a 400), drops fields the schema does not know (an error under
 * fieldValidation=Strict, a warning under Warn), and applies defaults, as apiextensions-apiserver's decoder
 * does for custom resources.
 */
import { newBadRequest, newInvalid, StatusError } from '../../apimachinery/errors.js';
import { invalid } from '../../apimachinery/field.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import type { ObjectMeta } from '../../apimachinery/types.js';
import { coerceObjectMeta } from '../metadata/coerce-object-meta.js';
import { applyDefaults } from '../schema/defaults.js';
import { prune } from '../schema/prune.js';
import type { ResourceScope, WriteOptions } from './scope.js';

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
  // Upstream decodes metadata with the rest of the object, before it compares the kind.
  const coerced = coerceObjectMeta(body.metadata);
  const cannotHandle = `${kind} in version "${apiVersion.slice(apiVersion.indexOf('/') + 1)}" cannot be handled as a ${scope.def.names.kind}`;
  if (!coerced.ok) throw new DecodingError(cannotHandle, coerced.error);
  if (apiVersion !== scope.apiVersion) {
    throw newBadRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${scope.apiVersion})`);
  }
  if (kind !== scope.def.names.kind) {
    // As apiextensions-apiserver's decoder answers a body of another kind: 422 on that kind.
    throw newInvalid({ group: scope.def.group, kind }, coerced.meta.name ?? '', [invalid('kind', kind, `must be ${scope.def.names.kind}`)]);
  }
  const { metadata: _metadata, ...rest } = body;
  const obj = { ...structuredClone(rest), metadata: coerced.meta } as KubeObject;
  delete (obj.metadata as ObjectMeta & { selfLink?: string }).selfLink;
  const unknown = [...coerced.unknownFields];
  if (scope.version.schema) {
    unknown.push(...prune(obj, scope.version.schema).map((p) => p.replace(/^\./, '')));
  }
  reportStrictErrors([...opts.strictErrors, ...unknown.map((f) => `unknown field "${f}"`)], opts, cannotHandle);
  if (scope.version.schema) applyDefaults(obj, scope.version.schema);
  scope.def.strategy?.default?.(obj, scope.version.name);
  return obj;
}

/**
 * A body that does not decode: 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: <detail>` on
 * create and update. A patch reports the same detail as a 422 on the patched object (`detail` alone).
 */
export class DecodingError extends StatusError {
  constructor(
    prefix: string,
    readonly detail: string,
  ) {
    super({ code: 400, reason: 'BadRequest', message: `${prefix}: ${detail}` });
  }
}

/** fieldValidation: Strict fails the request, Warn adds a warning per field, Ignore drops them silently. */
function reportStrictErrors(messages: string[], opts: WriteOptions, prefix: string): void {
  if (messages.length === 0 || opts.fieldValidation === 'Ignore') return;
  if (opts.fieldValidation === 'Strict') throw new DecodingError(prefix, `strict decoding error: ${messages.join(', ')}`);
  opts.warnings.push(...messages);
}
