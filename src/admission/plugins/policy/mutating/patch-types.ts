/**
 * The CEL types of mutations (`cel/mutation`): `Object` and `Object.<field path>` (upstream's dynamic object
 * types, any field allowed, every field dyn), `JSONPatch{op, path, from, value}`, and the
 * `jsonpatch.escapeKey` function; and how their values become JSON again (`ObjectVal.ConvertToNative`).
 */
import { type Environment, Optional } from '@marcbachmann/cel-js';
import { UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { isPlainObject } from '../../../../apimachinery/types.js';
import { celEquals } from '../../../../cel/equality.js';
import { constructorName, JSON_PATCH_TYPE, type Rewritten } from './initializers.js';

const TYPE_NAME = Symbol('typeName');

/** A value of an `Object...` type: its fields are its own properties, its type name is off to the side. */
export class ObjectValue {
  declare [TYPE_NAME]: string;
}

export class JSONPatchValue {
  declare op?: string;
  declare path?: string;
  declare from?: string;
  declare value?: unknown;
}

export const JSON_PATCH_FIELDS = ['op', 'path', 'from', 'value'];

export const typeNameOf = (v: ObjectValue): string => v[TYPE_NAME];

class JsonPatchLibrary {}

/** `jsonpatch.escapeKey`: a map key as one JSON pointer token (RFC 6901), in one pass so `~1` stays put. */
export const escapeKey = (k: string): string => k.replace(/[~/]/g, (c) => (c === '~' ? '~0' : '~1'));

/** The expression's environment: the policy's, with the types its initializers name and their constructors. */
export function patchEnvironment(policyEnv: Environment, rewritten: Rewritten): Environment {
  const env = policyEnv.clone();
  env.registerType('kubernetes.jsonpatch', { ctor: JsonPatchLibrary, fields: {} });
  env.registerConstant('jsonpatch', 'kubernetes.jsonpatch', new JsonPatchLibrary());
  env.registerFunction({
    name: 'escapeKey',
    receiverType: 'kubernetes.jsonpatch',
    returnType: 'string',
    params: [{ name: 'key', type: 'string' }],
    handler: (_: unknown, key: string) => escapeKey(key),
  });
  env.registerType(JSON_PATCH_TYPE, { ctor: JSONPatchValue, fields: { op: 'string', path: 'string', from: 'string', value: 'dyn' } });
  env.registerOperator(`${JSON_PATCH_TYPE} == ${JSON_PATCH_TYPE}`, celEquals);
  rewritten.typeNames.forEach((name, i) => {
    const fn = `${constructorName(i)}(map<string, dyn>): ${name}`;
    if (name === JSON_PATCH_TYPE) {
      env.registerFunction(fn, (fields: unknown) => newJSONPatch(fields));
      return;
    }
    const ctor = class extends ObjectValue {};
    Object.defineProperty(ctor.prototype, TYPE_NAME, { value: name });
    const used = new Set(rewritten.initializers.filter((x) => x.typeName === name).flatMap((x) => x.fields.map((f) => f.name)));
    env.registerType(name, { ctor, fields: Object.fromEntries([...used].map((f) => [f, 'dyn'])) });
    env.registerOperator(`${name} == ${name}`, celEquals);
    env.registerFunction(fn, (fields: unknown) => Object.assign(new ctor(), entriesOf(fields)));
  });
  return env;
}

function newJSONPatch(fields: unknown): JSONPatchValue {
  const out = Object.assign(new JSONPatchValue(), entriesOf(fields));
  for (const f of ['op', 'path', 'from'] as const) {
    // Checked when compiled upstream; the constructor here takes a map of dyn.
    if (out[f] !== undefined && typeof out[f] !== 'string') {
      throw new Error(`expected type of field '${f}' is 'string' but provided type is '${celTypeName(out[f])}'`);
    }
  }
  return out;
}

function entriesOf(fields: unknown): Record<string, unknown> {
  return fields instanceof Map ? Object.fromEntries(fields) : { ...(fields as Record<string, unknown>) };
}

/**
 * Each initializer's type name must be its field path from the root Object (`CheckTypeNamesMatchFieldPathNames`):
 * `Object{spec: Object.spec{}}`, not `Object{spec: Object.status{}}`. List elements and map values share
 * their field's path.
 */
export function typeNameMismatches(v: unknown, path: string[] = []): string[] {
  if (v instanceof ObjectValue) {
    const at = path.length === 0 ? [typeNameOf(v)] : path;
    const errs: string[] = [];
    if (at.join('.') !== typeNameOf(v)) {
      errs.push(`unexpected type name "${typeNameOf(v)}", expected "${at.join('.')}", which matches field name path from root Object type`);
    }
    for (const [k, f] of Object.entries(v)) errs.push(...typeNameMismatches(f, [...at, k]));
    return errs;
  }
  if (Array.isArray(v)) return v.flatMap((x) => typeNameMismatches(x, path));
  if (v instanceof Map) return [...v.values()].flatMap((x) => typeNameMismatches(x, path));
  if (isPlainObject(v) && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.values(v).flatMap((x) => typeNameMismatches(x, path));
  }
  return [];
}

/** A CEL value as JSON; throws for what JSON cannot hold (a JSONPatch, a timestamp, a non-string map key). */
export function toJSON(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof UnsignedInt) return Number(v.valueOf());
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`invalid number ${v}`);
    return v;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(toJSON);
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) {
      if (typeof k !== 'string') throw new Error(`map key ${JSON.stringify(String(k))} is of type ${celTypeName(k)}, not string`);
      out[k] = toJSON(x);
    }
    return out;
  }
  if (v instanceof ObjectValue || (isPlainObject(v) && Object.getPrototypeOf(v) === Object.prototype)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJSON(x)]));
  }
  throw new Error(`invalid type: ${celTypeName(v)}`);
}

function celTypeName(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'null_type';
  if (v instanceof UnsignedInt) return 'uint';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'google.protobuf.Timestamp';
  if (v instanceof Optional) return 'optional_type';
  if (v instanceof JSONPatchValue) return JSON_PATCH_TYPE;
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map || isPlainObject(v)) return 'map';
  return typeof v;
}
