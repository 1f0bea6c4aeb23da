/**
 * What the sample-apiserver's wardle group carries in code: Flunder's conversion between v1alpha1
 * (`spec.reference`) and v1beta1 (`spec.flunderReference`/`spec.fischerReference`), its defaulting
 * (referenceType Flunder when a reference is set) and its validation (`pkg/apis/wardle/validation`).
 */
import type { FieldError } from '../../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import type { Converter, Strategy } from '../definitions/types.js';

type Spec = Record<string, unknown>;

const specOf = (obj: KubeObject): Spec => (isPlainObject(obj.spec) ? obj.spec : {});
const versionOf = (obj: KubeObject): string => obj.apiVersion.split('/')[1] ?? '';

/** v1alpha1 <-> v1beta1 for Flunder; every other kind and version pair only changes apiVersion. */
export function wardleConversion(group: string, none: Converter): Converter {
  return (obj, to) => {
    const from = versionOf(obj);
    if (obj.kind !== 'Flunder' || from === to) return none(obj, to);
    const spec = specOf(obj);
    const out: KubeObject = { ...obj, apiVersion: `${group}/${to}` };
    if (from === 'v1alpha1' && to === 'v1beta1') {
      const { reference, referenceType, ...rest } = spec;
      const next: Spec = { ...rest };
      if (referenceType !== undefined) next.referenceType = referenceType;
      if (reference !== undefined) next[referenceType === 'Fischer' ? 'fischerReference' : 'flunderReference'] = reference;
      if (obj.spec !== undefined) out.spec = next;
      return out;
    }
    if (from === 'v1beta1' && to === 'v1alpha1') {
      const { flunderReference, fischerReference, referenceType, ...rest } = spec;
      const next: Spec = { ...rest };
      if (referenceType !== undefined) next.referenceType = referenceType;
      const reference = referenceType === 'Fischer' ? fischerReference : flunderReference ?? fischerReference;
      if (reference !== undefined) next.reference = reference;
      if (obj.spec !== undefined) out.spec = next;
      return out;
    }
    return none(obj, to);
  };
}

function validateFlunder(obj: KubeObject, version: string): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const type = spec.referenceType;
  if (version === 'v1alpha1') {
    if (type !== undefined && spec.reference === undefined) {
      errs.push({ type: 'FieldValueRequired', field: 'spec.reference', message: `Required value: cannot be empty if referenceType is ${String(type)}` });
    }
    return errs;
  }
  const flunder = spec.flunderReference;
  const fischer = spec.fischerReference;
  if (flunder !== undefined && fischer !== undefined) {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.fischerReference', message: 'Forbidden: cannot be set with flunderReference at the same time' });
  } else if (flunder !== undefined && type !== 'Flunder') {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.flunderReference', message: 'Forbidden: cannot be set if referenceType is not Flunder' });
  } else if (fischer !== undefined && type !== 'Fischer') {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.fischerReference', message: 'Forbidden: cannot be set if referenceType is not Fischer' });
  } else if (type === 'Flunder' && flunder === undefined) {
    errs.push({ type: 'FieldValueRequired', field: 'spec.flunderReference', message: 'Required value: cannot be empty if referenceType is Flunder' });
  } else if (type === 'Fischer' && fischer === undefined) {
    errs.push({ type: 'FieldValueRequired', field: 'spec.fischerReference', message: 'Required value: cannot be empty if referenceType is Fischer' });
  }
  return errs;
}

export const wardleStrategy: Strategy = {
  default(obj, version) {
    if (obj.kind !== 'Flunder' || !isPlainObject(obj.spec)) return;
    const spec = obj.spec;
    if (spec.referenceType !== undefined) return;
    if (version === 'v1alpha1' && spec.reference !== undefined) spec.referenceType = 'Flunder';
    if (version === 'v1beta1' && spec.flunderReference !== undefined) spec.referenceType = 'Flunder';
    if (version === 'v1beta1' && spec.fischerReference !== undefined && spec.flunderReference === undefined) spec.referenceType = 'Fischer';
  },
  validate(obj, version) {
    return obj.kind === 'Flunder' ? validateFlunder(obj, version) : [];
  },
};
