/**
 * ObjectMeta validation of a custom resource with apimachinery's rules and wording
 * (`api/validation/objectmeta.go`: `ValidateObjectMetaAccessor` on create, `ValidateObjectMetaAccessorUpdate`
 * on update, as apiextensions-apiserver's `customResourceValidator` runs them). Every field's type is checked
 * first by decoding it as upstream does (`coerceObjectMeta`); the rules then run on the decoded metadata.
 */
import type { FieldError } from '../../apimachinery/errors.js';
import type { ObjectMeta } from '../../apimachinery/types.js';
import { coerceObjectMeta } from './coerce-object-meta.js';
import { validateFinalizers, validateNoNewFinalizers } from './finalizers.js';
import { forbidden, invalid, PrintedValue, required, tooLong } from '../../apimachinery/field.js';
import { byteLength, goJSONString } from '../../apimachinery/go-format.js';
import { validateManagedFields } from './managed-fields.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from '../../apimachinery/name-formats.js';
import { validateOwnerReferences } from './owner-references.js';

export { isDNS1123Subdomain, isQualifiedName } from '../../apimachinery/name-formats.js';

/** `TotalAnnotationSizeLimitB`: keys and values together, in bytes. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/**
 * Metadata that does not decode as ObjectMeta, reported as upstream's validators report it
 * (`field.Invalid(metadata, value, err)`, as for embedded resources). Upstream itself never gets here for
 * a custom resource's own metadata: the decoder already answered 400 (see `coerceObjectMeta`).
 */
function typeError(meta: unknown, error: string): FieldError {
  return invalid('metadata', meta, error);
}

function validateLabels(labels: Record<string, string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) errs.push(invalid(field, k, m));
    for (const m of isValidLabelValue(v)) errs.push(invalid(field, v, m));
  }
  return errs;
}

/** Keys are qualified names in any case; the size counts UTF-8 bytes of keys and values. */
function validateAnnotations(annotations: Record<string, string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, m));
    size += byteLength(k) + byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/**
 * Each message once: `ValidateObjectMetaDeclaratively` filters the list through `ErrorList.ToAggregate`,
 * which drops repeats of the same "field: message" (two empty finalizers give one error).
 */
function unique(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const key = `${e.field}: ${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `ValidateNonnegativeField` of generation. */
function validateGeneration(generation: number | undefined): FieldError[] {
  return (generation ?? 0) < 0 ? [invalid('metadata.generation', generation, 'must be greater than or equal to 0')] : [];
}

/** What create and update both check, in upstream's order after the name and namespace. */
function validateCommon(meta: ObjectMeta): FieldError[] {
  return [
    ...validateLabels(meta.labels ?? {}, 'metadata.labels'),
    ...validateAnnotations(meta.annotations ?? {}, 'metadata.annotations'),
    ...validateOwnerReferences(meta.ownerReferences ?? [], 'metadata.ownerReferences'),
  ];
}

/**
 * On create (`isCreate`), `ValidateObjectMetaAccessor` with `NameIsDNSSubdomain`: it expects the name
 * generated already. On update upstream runs none of the create rules, only `validateObjectMetaUpdate`'s;
 * this then reports just the type errors, which both operations share.
 */
export function validateObjectMeta(meta: ObjectMeta, opts: { namespaced: boolean; isCreate: boolean; decoded?: boolean }): FieldError[] {
  // Metadata the request decoder already coerced is typed; decoding it again would cost a third of a create.
  const coerced = opts.decoded ? { ok: true as const, meta } : coerceObjectMeta(meta);
  if (!coerced.ok) return [typeError(meta, coerced.error)];
  if (!opts.isCreate) return [];
  const m = coerced.meta;
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of nameIsDNSSubdomain(m.generateName, true)) errs.push(invalid('metadata.generateName', m.generateName, msg));
  }
  if (!m.name) {
    errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameIsDNSSubdomain(m.name, false)) errs.push(invalid('metadata.name', m.name, msg));
  }
  if (opts.namespaced) {
    if (!m.namespace) errs.push(required('metadata.namespace'));
    else for (const msg of isDNS1123Label(m.namespace)) errs.push(invalid('metadata.namespace', m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateGeneration(m.generation), ...validateCommon(m));
  errs.push(...validateFinalizers(m.finalizers ?? [], 'metadata.finalizers'));
  errs.push(...validateManagedFields(m.managedFields ?? [], 'metadata.managedFields'));
  return unique(errs);
}

/** A string field of a named or struct type (`types.UID`, `metav1.Time`), which Go prints as JSON, not with %q. */
const asJSON = (v: string | undefined): PrintedValue | undefined => (v === undefined ? undefined : new PrintedValue(goJSONString(v)));

/**
 * `ValidateObjectMetaAccessorUpdate`: finalizers frozen while deleting, a resourceVersion, a generation that
 * does not go down, the identity and deletion fields unchanged, then labels, annotations, owner references
 * and managed fields. Metadata of the wrong type gives nothing here; `validateObjectMeta` reports it.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, decoded = false): FieldError[] {
  const now = decoded ? { ok: true as const, meta } : coerceObjectMeta(meta);
  const before = decoded ? { ok: true as const, meta: old } : coerceObjectMeta(old);
  if (!now.ok || !before.ok) return [];
  const m = now.meta;
  const o = before.meta;
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) errs.push(...validateNoNewFinalizers(m.finalizers ?? [], o.finalizers ?? [], 'metadata.finalizers'));
  if (!m.resourceVersion) errs.push(invalid('metadata.resourceVersion', m.resourceVersion ?? '', 'must be specified for an update'));
  errs.push(...validateGeneration(m.generation));
  if ((m.generation ?? 0) < (o.generation ?? 0)) errs.push(invalid('metadata.generation', m.generation ?? 0, 'must not be decremented'));
  const immutable = (field: keyof ObjectMeta, value: unknown): void => {
    if ((m[field] ?? undefined) !== (o[field] ?? undefined)) errs.push(invalid(`metadata.${field}`, value, 'field is immutable'));
  };
  immutable('name', m.name ?? '');
  immutable('namespace', m.namespace ?? '');
  immutable('uid', asJSON(m.uid ?? ''));
  immutable('creationTimestamp', asJSON(m.creationTimestamp));
  immutable('deletionTimestamp', asJSON(m.deletionTimestamp ?? undefined));
  immutable('deletionGracePeriodSeconds', m.deletionGracePeriodSeconds);
  errs.push(...validateCommon(m));
  errs.push(...validateManagedFields(m.managedFields ?? [], 'metadata.managedFields'));
  return unique(errs);
}
