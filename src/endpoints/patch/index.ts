/**
 * The PATCH types of custom resources: JSON patch (RFC 6902), merge patch (RFC 7386) and server-side apply
 * (`apply-patch+yaml`, merged by the field manager, not here). Strategic merge patch needs Go struct tags a
 * custom resource has none of, so kube-apiserver refuses it with 415, and so do we.
 */
import fastJsonPatch from 'fast-json-patch';
import { newBadRequest, newUnsupportedMediaType, StatusError } from '../../apimachinery/errors.js';
import { isPlainObject } from '../../apimachinery/types.js';
import { APPLY_PATCH_YAML, JSON_PATCH, MERGE_PATCH } from '../negotiation/media-types.js';

/** Computes the patched document from the current one. */
export interface Patcher {
  /** How the strict decoder names this patch type's repeated keys (`json patch duplicate field ...`). */
  strictPrefix: string;
  apply(current: unknown, patch: unknown): unknown;
}

const PATCHERS: Record<string, Patcher> = {
  [JSON_PATCH]: { strictPrefix: 'json patch ', apply: (current, patch) => applyJsonPatch(current, patch) },
  [MERGE_PATCH]: { strictPrefix: '', apply: (current, patch) => applyMergePatch(current, patch) },
};

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function isApplyPatch(contentType: string | undefined): boolean {
  return mediaType(contentType) === APPLY_PATCH_YAML;
}

/**
 * The patcher of a Content-Type, for the object, /status and /scale alike; any other type (strategic merge
 * patch) is a 415 listing the ones served.
 */
export function patcherFor(contentType: string | undefined): Patcher {
  const patcher = PATCHERS[mediaType(contentType)];
  if (!patcher) throw newUnsupportedMediaType([JSON_PATCH, MERGE_PATCH, APPLY_PATCH_YAML]);
  return patcher;
}

export function applyJsonPatch(original: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw newBadRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return fastJsonPatch.applyPatch(structuredClone(original), patch as fastJsonPatch.Operation[], true, false).newDocument;
  } catch {
    // A failed `test` or a path that is not there: the request is well-formed but cannot apply. Upstream's
    // NewGenericServerResponse(422) keeps only its generic message (and empty details); so do we.
    throw new StatusError({
      code: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
      details: {},
    });
  }
}

/** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const target: Record<string, unknown> = isPlainObject(original) ? { ...original } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else target[k] = applyMergePatch(target[k], v);
  }
  return target;
}
