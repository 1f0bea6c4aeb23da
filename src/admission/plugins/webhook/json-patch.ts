/**
 * A mutating webhook's JSON patch (RFC 6902), decoded as Go's `jsonpatch.DecodePatch` would and applied to
 * the object in the version the webhook saw.
 */
import fastJsonPatch from 'fast-json-patch';
import { newInternalError } from '../../../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../../../apimachinery/types.js';

export type PatchOperation = Record<string, unknown>;

/** Throws a plain Error with the decoder's complaint for a patch that is not a list of operations. */
export function decodePatch(patch: Buffer): PatchOperation[] {
  const value: unknown = JSON.parse(patch.toString('utf8'));
  // Go decodes null into an empty patch.
  if (value === null) return [];
  if (!Array.isArray(value)) throw new Error(`json: cannot unmarshal ${goJSONType(value)} into Go value of type jsonpatch.Patch`);
  for (const op of value) {
    if (!isPlainObject(op)) throw new Error(`json: cannot unmarshal ${goJSONType(op)} into Go value of type jsonpatch.Operation`);
  }
  return value;
}

/** The patched object; a patch that does not apply, or leaves no object of a kind, is a 500. */
export function applyPatch(obj: KubeObject, ops: PatchOperation[]): KubeObject {
  let patched: unknown;
  try {
    patched = fastJsonPatch.applyPatch(structuredClone(obj), ops as unknown as fastJsonPatch.Operation[], true, false).newDocument;
  } catch (err) {
    throw newInternalError(err);
  }
  if (!isPlainObject(patched) || typeof patched.kind !== 'string' || patched.kind === '') {
    throw newInternalError(`Object 'Kind' is missing in '${JSON.stringify(patched)}'`);
  }
  return patched as KubeObject;
}

/** The patch as the audit annotation records it: Go marshals each operation's keys in order. */
export function patchForAudit(ops: PatchOperation[]): PatchOperation[] {
  return ops.map((op) => Object.fromEntries(Object.entries(op).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

function goJSONType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}
