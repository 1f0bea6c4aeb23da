/**
 * The decode stage a custom resource's metadata passes before any validation: apiextensions-apiserver's
 * `unstructuredSchemaCoercer` turns `.metadata` into a `metav1.ObjectMeta` (`objectmeta.GetObjectMetaWithOptions`,
 * a JSON round trip through Go's encoding/json) and writes the typed result back (`SetObjectMeta`).
 *
 * A value of the wrong type fails there, before the strategy runs, with the first error Go's decoder
 * meets, so upstream answers **400 BadRequest**, not 422 (measured on kube-apiserver v1.37.2 with a CRD):
 *
 *   create/update (`transformDecodeError`, with the body's kind and version and the CRD's kind):
 *     `Widget in version "v1" cannot be handled as a Widget: json: cannot unmarshal number into Go struct field ObjectMeta.name of type string`
 *   json-patch and merge-patch (`applyPatchToCurrentObject`): 422 Invalid with empty kind and name and one
 *   cause on field `patch` whose value is the patched object as Go marshals it (keys sorted), quoted:
 *     ` "" is invalid: patch: Invalid value: "{\"apiVersion\":...}": json: cannot unmarshal ...`
 *
 * What succeeds is normalized as upstream stores it: null and empty fields dropped (`omitempty`), null map
 * and list entries made "", owner references given all four required keys, timestamps in UTC whole seconds,
 * unknown nested fields dropped and reported by path (`metadata.ownerReferences[0].foo`).
 */
import type { ObjectMeta } from '../../apimachinery/types.js';
import { compareBytes } from '../../apimachinery/go-format.js';
import { parseTime } from './go-time.js';

/** A Go type, as far as decoding JSON into ObjectMeta needs one; `type` is what Go's messages print. */
type GoType =
  | { kind: 'string'; type: string }
  | { kind: 'int64' | 'bool' | 'time' | 'fieldsV1' | 'stringMap' }
  | { kind: 'slice'; type: string; elem: GoType }
  | { kind: 'struct'; type: string; name: string; fields: Record<string, GoField> };

/** `pointer`: nil is omitted but a zero value kept; `required`: no `omitempty`. */
interface GoField {
  type: GoType;
  pointer?: boolean;
  required?: boolean;
}

const str = (type = 'string'): GoType => ({ kind: 'string', type });

const OWNER_REFERENCE: GoType = {
  kind: 'struct',
  type: 'v1.OwnerReference',
  name: 'OwnerReference',
  fields: {
    apiVersion: { type: str(), required: true },
    kind: { type: str(), required: true },
    name: { type: str(), required: true },
    uid: { type: str('types.UID'), required: true },
    controller: { type: { kind: 'bool' }, pointer: true },
    blockOwnerDeletion: { type: { kind: 'bool' }, pointer: true },
  },
};

const MANAGED_FIELDS_ENTRY: GoType = {
  kind: 'struct',
  type: 'v1.ManagedFieldsEntry',
  name: 'ManagedFieldsEntry',
  fields: {
    manager: { type: str() },
    operation: { type: str('v1.ManagedFieldsOperationType') },
    apiVersion: { type: str() },
    time: { type: { kind: 'time' }, pointer: true },
    fieldsType: { type: str() },
    fieldsV1: { type: { kind: 'fieldsV1' }, pointer: true },
    subresource: { type: str() },
  },
};

const OBJECT_META: GoType = {
  kind: 'struct',
  type: 'v1.ObjectMeta',
  name: 'ObjectMeta',
  fields: {
    name: { type: str() },
    generateName: { type: str() },
    namespace: { type: str() },
    selfLink: { type: str() },
    uid: { type: str('types.UID') },
    resourceVersion: { type: str() },
    generation: { type: { kind: 'int64' } },
    creationTimestamp: { type: { kind: 'time' } },
    deletionTimestamp: { type: { kind: 'time' }, pointer: true },
    deletionGracePeriodSeconds: { type: { kind: 'int64' }, pointer: true },
    labels: { type: { kind: 'stringMap' } },
    annotations: { type: { kind: 'stringMap' } },
    ownerReferences: { type: { kind: 'slice', type: '[]v1.OwnerReference', elem: OWNER_REFERENCE } },
    finalizers: { type: { kind: 'slice', type: '[]string', elem: str() } },
    managedFields: { type: { kind: 'slice', type: '[]v1.ManagedFieldsEntry', elem: MANAGED_FIELDS_ENTRY } },
  },
};

export type CoercedObjectMeta = { ok: true; meta: ObjectMeta; unknownFields: string[] } | { ok: false; error: string };

/** A decoded `metav1.Time`, kept apart from any JSON value until the struct is encoded. */
class GoTime {
  constructor(
    readonly rfc3339: string,
    readonly zero: boolean,
  ) {}
}

/** An error returned by an `UnmarshalJSON` method: Go's decoder stops there and reports it, whatever it saved before. */
class Fatal {
  constructor(readonly message: string) {}
}

const typeName = (t: GoType): string =>
  t.kind === 'string' || t.kind === 'slice' || t.kind === 'struct' ? t.type : t.kind === 'stringMap' ? 'map[string]string' : t.kind;

const jsonKind = (v: unknown): string =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;

/**
 * Whether Go reads the number, as JavaScript writes it, into an int64. JavaScript writes -2^63 as
 * "-9223372036854776000", which overflows; the exact "-9223372036854775808" was lost when the body was parsed.
 */
const isInt64 = (n: number): boolean => Number.isInteger(n) && n > -(2 ** 63) && n < 2 ** 63;

/** The result of decoding: `undefined` is Go's zero value (nil pointer, nil map, "" and 0 where omitted). */
class Decoder {
  saved: string | undefined;
  readonly unknownFields: string[] = [];
  /** Go's errorContext: the innermost struct and the JSON field names from the root. */
  private struct = '';
  private stack: string[] = [];

  typeError(value: string, type: string): string {
    return this.stack.length > 0
      ? `json: cannot unmarshal ${value} into Go struct field ${this.struct}.${this.stack.join('.')} of type ${type}`
      : `json: cannot unmarshal ${value} into Go value of type ${type}`;
  }

  private save(value: string, t: GoType): undefined {
    this.saved ??= this.typeError(value, typeName(t));
    return undefined;
  }

  decode(value: unknown, t: GoType, path: string): unknown {
    // undefined is what a JavaScript caller has for a key JSON would not carry: absent, as null is.
    const v = value === undefined ? null : value;
    if (t.kind === 'time') return this.time(v);
    // Raw JSON, taken as it is (the caller's value, not a copy: it may nest deeper than a recursive copy goes).
    if (t.kind === 'fieldsV1') return v === null ? undefined : v;
    if (v === null) return undefined;
    switch (t.kind) {
      case 'string':
        return typeof v === 'string' ? v : this.save(jsonKind(v), t);
      case 'bool':
        return typeof v === 'boolean' ? v : this.save(jsonKind(v), t);
      case 'int64':
        if (typeof v !== 'number') return this.save(jsonKind(v), t);
        return isInt64(v) ? v + 0 : this.save(`number ${String(v)}`, t);
      case 'stringMap':
        return this.stringMap(v, t, path);
      case 'slice':
        return this.slice(v, t, path);
      case 'struct':
        return this.struct_(v, t, path);
    }
  }

  /** `metav1.Time.UnmarshalJSON`: null, or a string `time.Parse` accepts; any failure is returned, not saved. */
  private time(v: unknown): GoTime | undefined {
    if (v === null) return undefined;
    if (typeof v !== 'string') throw new Fatal(this.typeError(jsonKind(v), 'string'));
    const parsed = parseTime(v);
    if (!parsed.ok) throw new Fatal(parsed.error);
    return new GoTime(parsed.rfc3339, parsed.zero);
  }

  private stringMap(v: unknown, t: GoType, path: string): Record<string, string> | undefined {
    if (jsonKind(v) !== 'object') return this.save(jsonKind(v), t);
    const out: Record<string, string> = {};
    for (const key of Object.keys(v as object).sort(compareBytes)) {
      const value = this.decode((v as Record<string, unknown>)[key], str(), `${path}.${key}`);
      out[key] = typeof value === 'string' ? value : '';
    }
    return out;
  }

  private slice(v: unknown, t: GoType & { kind: 'slice' }, path: string): unknown[] | undefined {
    if (!Array.isArray(v)) return this.save(jsonKind(v), t);
    return v.map((item, i) => {
      const value = this.decode(item, t.elem, `${path}[${i}]`);
      return value === undefined ? zero(t.elem) : value;
    });
  }

  private struct_(v: unknown, t: GoType & { kind: 'struct' }, path: string): Record<string, unknown> | undefined {
    if (jsonKind(v) !== 'object') return this.save(jsonKind(v), t);
    const obj = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const [outerStruct, outerDepth] = [this.struct, this.stack.length];
    for (const key of Object.keys(obj).sort(compareBytes)) {
      const field = Object.hasOwn(t.fields, key) ? t.fields[key] : undefined;
      if (!field) {
        const unknown = path ? `${path}.${key}` : key;
        if (this.unknownFields.length < 100 && !this.unknownFields.includes(unknown)) this.unknownFields.push(unknown);
        continue;
      }
      this.struct = t.name;
      this.stack.push(key);
      out[key] = this.decode(obj[key], field.type, path ? `${path}.${key}` : key);
      this.struct = outerStruct;
      this.stack.length = outerDepth;
    }
    return encodeStruct(out, t);
  }
}

/** A struct as `runtime.DefaultUnstructuredConverter.ToUnstructured` writes it, in Go's field order. */
function encodeStruct(decoded: Record<string, unknown>, t: GoType & { kind: 'struct' }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(t.fields)) {
    const value = decoded[key];
    if (value instanceof GoTime) {
      if (!value.zero) out[key] = value.rfc3339;
      else if (field.pointer) out[key] = null;
    } else if (value !== undefined && (field.pointer || !isEmpty(value))) {
      out[key] = value;
    } else if (field.required) {
      out[key] = zero(field.type);
    }
  }
  return out;
}

const isEmpty = (v: unknown): boolean =>
  v === '' || v === 0 || (Array.isArray(v) && v.length === 0) || (jsonKind(v) === 'object' && Object.keys(v as object).length === 0);

/** Go's zero value of a type, as it ends up encoded (a zero struct still has its required keys). */
function zero(t: GoType): unknown {
  switch (t.kind) {
    case 'string':
      return '';
    case 'int64':
      return 0;
    case 'struct':
      return encodeStruct({}, t);
    default:
      return null;
  }
}

/**
 * Decodes `.metadata` as upstream's coercer does. Never throws: anything JSON can hold gives either the
 * normalized ObjectMeta or Go's error text (see the module comment for the status that text goes with).
 */
export function coerceObjectMeta(raw: unknown): CoercedObjectMeta {
  const decoder = new Decoder();
  let meta: unknown;
  try {
    meta = decoder.decode(raw, OBJECT_META, '');
  } catch (err) {
    if (err instanceof Fatal) return { ok: false, error: err.message };
    throw err;
  }
  if (decoder.saved !== undefined) return { ok: false, error: decoder.saved };
  return { ok: true, meta: (meta ?? {}) as ObjectMeta, unknownFields: decoder.unknownFields.map((p) => `metadata.${p}`) };
}
