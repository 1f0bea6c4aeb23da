/**
 * Finalizer rules: names are qualified names and `orphan` excludes `foregroundDeletion` (apimachinery
 * `ValidateFinalizers`, on create), nothing may be added once deletion has begun (`ValidateNoNewFinalizers`,
 * on update), and the warnings apiextensions-apiserver gives for finalizer names a custom resource adds.
 */
import type { FieldError } from '../../apimachinery/errors.js';
import { forbidden, invalid } from '../../apimachinery/field.js';
import { compareBytes, goQuote } from '../../apimachinery/go-format.js';
import { isQualifiedName } from '../../apimachinery/name-formats.js';

const ORPHAN = 'orphan';
const FOREGROUND_DELETION = 'foregroundDeletion';
/** `metav1.FinalizerOrphanDependents`, `metav1.FinalizerDeleteDependents`, `corev1.FinalizerKubernetes`. */
const STANDARD_FINALIZERS = new Set([ORPHAN, FOREGROUND_DELETION, 'kubernetes']);

/** Unique and sorted, as `sets.NewString(...).List()`. */
const sortedSet = (values: string[]): string[] => [...new Set(values)].sort(compareBytes);

export function validateFinalizers(finalizers: string[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers) {
    for (const m of isQualifiedName(f)) errs.push(invalid(field, f, m));
  }
  if (finalizers.includes(ORPHAN) && finalizers.includes(FOREGROUND_DELETION)) {
    errs.push(invalid(field, finalizers, `finalizer ${ORPHAN} and ${FOREGROUND_DELETION} cannot be both set`));
  }
  return errs;
}

/** Once an object has a deletionTimestamp its finalizers may only shrink. */
export function validateNoNewFinalizers(finalizers: string[], old: string[], field: string): FieldError[] {
  const before = new Set(old);
  const added = sortedSet(finalizers.filter((f) => !before.has(f)));
  if (added.length === 0) return [];
  return [
    forbidden(
      field,
      `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map(goQuote).join(', ')}}`,
    ),
  ];
}

/**
 * The warnings (not errors) a custom resource gets for each finalizer it adds (`validateKubeFinalizerName`
 * in apiextensions-apiserver's strategy): format problems, and names that are not domain-qualified.
 */
export function finalizerWarnings(finalizers: string[], old: string[] = []): string[] {
  const before = new Set(old);
  const warnings: string[] = [];
  for (const f of sortedSet(finalizers.filter((x) => !before.has(x)))) {
    const at = `metadata.finalizers: ${goQuote(f)}`;
    for (const m of isQualifiedName(f)) warnings.push(`${at}: ${m}`);
    if (f.split('/').length === 1 && !STANDARD_FINALIZERS.has(f)) {
      warnings.push(
        f.includes('.')
          ? `${at}: prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers`
          : `${at}: prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers`,
      );
    }
  }
  return warnings;
}
