/**
 * The request options of `meta.k8s.io/v1` (DeleteOptions, CreateOptions, UpdateOptions, PatchOptions,
 * ListOptions) and their validation as apimachinery's `apis/meta/v1/validation` and
 * `apis/meta/internalversion/validation` do it: a bad value is a 422 Invalid on the options kind, e.g.
 * `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Bogus": ...`.
 */
import { type FieldError, newInvalid, type StatusError } from './errors.js';
import { forbidden, invalid, notSupported, tooLong } from './field.js';
import { byteLength, goRune, isGoPrint } from './go-format.js';

export type DeletionPropagation = 'Foreground' | 'Background' | 'Orphan';

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: Preconditions;
  /** Deprecated in favour of propagationPolicy, still honoured (true: Orphan, false: Background). */
  orphanDependents?: boolean;
  /** A string here: validation, not the decoder, refuses values outside DeletionPropagation. */
  propagationPolicy?: string;
  dryRun?: string[];
}

export type OptionsKind = 'DeleteOptions' | 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'ListOptions';

export const FIELD_VALIDATION_VALUES = ['Ignore', 'Strict', 'Warn'] as const;
export type FieldValidation = (typeof FIELD_VALIDATION_VALUES)[number];

/** `FieldManagerMaxLength`. */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/** 422 on the options kind, with no name, as the handlers answer invalid options. */
export function newInvalidOptions(kind: OptionsKind, errs: FieldError[]): StatusError {
  return newInvalid({ group: 'meta.k8s.io', kind }, '', errs);
}

export function validateDryRun(dryRun: string[]): FieldError[] {
  return dryRun.every((v) => v === 'All') ? [] : [notSupported('dryRun', dryRun, ['All'])];
}

export function validateFieldValidation(value: string): FieldError[] {
  return value === '' || (FIELD_VALIDATION_VALUES as readonly string[]).includes(value)
    ? []
    : [notSupported('fieldValidation', value, ['', ...FIELD_VALIDATION_VALUES])];
}

/**
 * `ValidateFieldManager`, for `?fieldManager=` and for each managed-fields entry's manager: at most 128 bytes,
 * every rune printable; positions are byte offsets.
 */
export function validateFieldManager(manager: string, field = 'fieldManager'): FieldError[] {
  const errs: FieldError[] = [];
  if (byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong(field, FIELD_MANAGER_MAX_LENGTH));
  let offset = 0;
  for (const ch of manager) {
    const cp = ch.codePointAt(0) as number;
    // A lone surrogate is U+FFFD to Go, which is printable.
    if (!isGoPrint(cp) && !(cp >= 0xd800 && cp <= 0xdfff)) {
      errs.push(invalid(field, manager, `invalid character ${goRune(cp)} (at position ${offset})`));
    }
    offset += byteLength(ch);
  }
  return errs;
}

export function validateDeleteOptions(o: DeleteOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (o.orphanDependents !== undefined && o.propagationPolicy !== undefined) {
    errs.push(invalid('propagationPolicy', o.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (o.propagationPolicy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(o.propagationPolicy)) {
    errs.push(notSupported('propagationPolicy', o.propagationPolicy, ['Foreground', 'Background', 'Orphan', 'nil']));
  }
  errs.push(...validateDryRun(o.dryRun ?? []));
  return errs;
}

/** What `ValidateListOptions` looks at. */
export interface ListOptionsToValidate {
  watch: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  continueToken?: string;
  sendInitialEvents?: boolean;
}

export function validateListOptions(o: ListOptionsToValidate): FieldError[] {
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch ?? '';
  if (o.watch) {
    if (o.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
      errs.push(forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
    }
    if (match !== '') {
      if (o.sendInitialEvents === undefined) {
        errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
      }
      if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (o.continueToken) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    }
    return errs;
  }
  if (match !== '') {
    if (!o.resourceVersion) {
      errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    }
    if (o.continueToken) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    }
    if (match === 'Exact' && o.resourceVersion === '0') {
      errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
  }
  if (o.sendInitialEvents !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errs;
}
