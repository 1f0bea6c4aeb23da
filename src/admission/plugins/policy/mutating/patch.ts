/**
 * One mutation applied to the object in the version the policy matched (`patch.Patcher`): an
 * ApplyConfiguration is merged as server-side apply merges (`ApplyStructuredMergeDiff`, with the
 * resource's schema), a JSONPatch is applied operation by operation. Either returns a new object; what goes
 * wrong is a plain Error with upstream's message, for the failure policy, except a resource without a schema
 * to merge by, which is upstream's 503.
 */
import { newInternalError, newServiceUnavailable } from '../../../../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../../../../apimachinery/types.js';
import { RUNTIME_CEL_COST_BUDGET } from '../../../../cel/cost.js';
import { evaluateExpression } from '../../../cel/evaluate.js';
import type { Attributes } from '../../../interfaces.js';
import type { GroupVersionKind } from '../../../matching/types.js';
import type { CompiledMutation } from './compilation.js';
import { JSON_PATCH_TYPE, OBJECT_TYPE } from './initializers.js';
import { applyJSONPatch, type PatchOperation, TestFailed } from './json-patch.js';
import { JSONPatchValue, ObjectValue, toJSON, typeNameMismatches, typeNameOf } from './patch-types.js';

export interface PatchRequest {
  attrs: Attributes;
  /** The object in the matched version. */
  object: KubeObject;
  kind: GroupVersionKind;
  /** Whether the matched version is another than the request's. */
  equivalent: boolean;
  /** The activation, variables bound. */
  vars: Record<string, unknown>;
}

export function patch(m: CompiledMutation, r: PatchRequest): KubeObject {
  // Each mutation has the whole runtime budget (`celconfig.RuntimeCELCostBudget` per Patch call).
  const result = evaluateExpression(m.compiled, r.vars, { remaining: RUNTIME_CEL_COST_BUDGET });
  if (result.error !== undefined) throw new Error(result.error);
  return m.patchType === 'ApplyConfiguration' ? applyConfiguration(result.value, r) : jsonPatch(result.value, r);
}

function applyConfiguration(value: unknown, r: PatchRequest): KubeObject {
  if (!(value instanceof ObjectValue) || typeNameOf(value) !== OBJECT_TYPE) {
    throw new Error(`unsupported return type from ApplyConfiguration expression: ${shownType(value)}`);
  }
  const mismatches = typeNameMismatches(value);
  if (mismatches.length > 0) throw new Error(`type mismatch: ${mismatches.join('\n')}`);
  const merge = r.attrs.applyConfiguration;
  if (!merge) {
    const { group, version, kind } = r.kind;
    throw newServiceUnavailable(
      `Resource kind ${group}/${version}, Kind=${kind} not found. There can be a delay between when CustomResourceDefinitions are created and when they are available.`,
    );
  }
  const configuration = { ...(toJSON(value) as Record<string, unknown>), apiVersion: r.object.apiVersion, kind: r.object.kind };
  const convert = r.equivalent ? r.attrs.equivalents?.convert : undefined;
  try {
    if (!convert || !r.attrs.object) return merge(r.object, configuration);
    // The merge knows the schema of the request's version only: the configuration is merged there, and the
    // result comes back to the matched version.
    const inRequestVersion = convert(configuration as unknown as KubeObject, r.attrs.resource.version);
    return convert(merge(r.attrs.object, inRequestVersion as unknown as Record<string, unknown>), r.kind.version);
  } catch (err) {
    throw new Error(`error applying patch: ${(err as Error).message}`);
  }
}

function jsonPatch(value: unknown, r: PatchRequest): KubeObject {
  if (!Array.isArray(value)) throw new Error('type mismatch: JSONPatchType.expression should evaluate to array');
  const ops: PatchOperation[] = value.map((v) => {
    if (!(v instanceof JSONPatchValue)) {
      throw new Error(`type mismatch: JSONPatchType.expression should evaluate to array of JSONPatch, got element of ${shownType(v)}`);
    }
    const op: PatchOperation = { op: v.op ?? '', path: v.path ?? '' };
    if (v.from) op.from = v.from;
    if (Object.hasOwn(v, 'value')) {
      if (v.value instanceof ObjectValue) {
        const mismatches = typeNameMismatches(v.value);
        if (mismatches.length > 0) throw new Error(`type mismatch: ${mismatches.join('\n')}`);
      }
      try {
        op.value = toJSON(v.value);
      } catch (err) {
        throw new Error(`JSONPath valueExpression evaluated to a type that could not marshal to JSON: ${(err as Error).message}`);
      }
    }
    return op;
  });
  let patched: unknown;
  try {
    patched = applyJSONPatch(r.object as unknown as Record<string, unknown>, ops);
  } catch (err) {
    // A failed test operation leaves the object as it was.
    if (err instanceof TestFailed) return r.object;
    throw new Error(`JSON Patch: ${(err as Error).message}`);
  }
  if (!isPlainObject(patched) || typeof patched.kind !== 'string' || patched.kind === '') {
    throw newInternalError(`Object 'Kind' is missing in '${JSON.stringify(patched)}'`);
  }
  return patched as KubeObject;
}

function shownType(v: unknown): string {
  if (v instanceof ObjectValue) return typeNameOf(v);
  if (v instanceof JSONPatchValue) return JSON_PATCH_TYPE;
  if (Array.isArray(v)) return 'list';
  return v === null ? 'null_type' : typeof v;
}
