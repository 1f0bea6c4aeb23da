/**
 * What the sample-apiserver's wardle group carries in code: Flunder's conversion between v1alpha1
 * (`spec.reference`) and v1beta1 (`spec.flunderReference`/`spec.fischerReference`), its defaulting
 * (referenceType Flunder when a reference is set) and its validation (`pkg/apis/wardle/validation`).
 * Fischer has none: its versions differ in apiVersion only.
 */
import type { FieldError } from '../../apimachinery/errors.js';
import { invalid, PrintedValue } from '../../apimachinery/field.js';
import { goMarshal } from '../../apimachinery/go-format.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { type CodeStrategy, CodeStrategies } from '../definitions/code-strategies.js';
import type { Converter } from '../definitions/types.js';

type Spec = Record<string, unknown>;

const specOf = (obj: KubeObject): Spec => (isPlainObject(obj.spec) ? obj.spec : {});
const versionOf = (obj: KubeObject): string => obj.apiVersion.split('/')[1] ?? '';

/** v1alpha1 <-> v1beta1 for Flunder; any other version pair only changes apiVersion. */
export function flunderConversion(group: string, none: Converter): Converter {
  return (obj, to) => {
    const from = versionOf(obj);
    if (from === to) return none(obj, to);
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
      const reference = referenceType === 'Fischer' ? fischerReference : (flunderReference ?? fischerReference);
      if (reference !== undefined) next.reference = reference;
      if (obj.spec !== undefined) out.spec = next;
      return out;
    }
    return none(obj, to);
  };
}

/**
 * Upstream validates the internal version, whose spec has v1beta1's shape, so a v1alpha1 object is
 * checked after conversion: its errors name flunderReference/fischerReference, exactly as the sample's do.
 */
function validateFlunder(obj: KubeObject, version: string, toBeta: Converter): FieldError[] {
  const spec = specOf(version === 'v1alpha1' ? toBeta(obj, 'v1beta1') : obj);
  const errs: FieldError[] = [];
  const type = spec.referenceType;
  const flunder = spec.flunderReference;
  const fischer = spec.fischerReference;
  const at = (field: string): string => `spec.${field}`;
  if (flunder && fischer) errs.push(invalid(at('fischerReference'), fischer, 'cannot be set with flunderReference at the same time'));
  else if (flunder && type !== 'Flunder')
    errs.push(invalid(at('flunderReference'), flunder, 'cannot be set if referenceType is not Flunder'));
  else if (fischer && type !== 'Fischer')
    errs.push(invalid(at('fischerReference'), fischer, 'cannot be set if referenceType is not Fischer'));
  // field.Invalid with the empty value, as the sample reports it (not Required).
  else if (!fischer && type === 'Fischer') errs.push(invalid(at('fischerReference'), '', 'cannot be empty if referenceType is Fischer'));
  else if (!flunder && type === 'Flunder') errs.push(invalid(at('flunderReference'), '', 'cannot be empty if referenceType is Flunder'));
  if (type && type !== 'Flunder' && type !== 'Fischer') {
    // ReferenceType is a named string type: Go prints it as JSON, not with %q.
    errs.push(invalid(at('referenceType'), new PrintedValue(goMarshal(type)), 'must be Flunder or Fischer'));
  }
  return errs;
}

/** Only v1alpha1 has defaults upstream (`SetDefaults_FlunderSpec`); v1beta1 has none. */
export function flunderStrategy(group: string): CodeStrategy {
  const toBeta = flunderConversion(group, (obj, to) => ({ ...obj, apiVersion: `${group}/${to}` }));
  return {
    conversion: (none) => flunderConversion(group, none),
    // FlunderSpec and FlunderStatus are structs: Go's zero Flunder has both, empty.
    zero: () => ({ spec: {}, status: {} }),
    default(obj, version) {
      if (version !== 'v1alpha1' || !isPlainObject(obj.spec)) return;
      if (!obj.spec.referenceType && obj.spec.reference) obj.spec.referenceType = 'Flunder';
    },
    validate(obj, version) {
      return validateFlunder(obj, version, toBeta);
    },
  };
}

/** The wardle group's rules in code, as start-up registers them for the shipped definitions file. */
export function wardleCodeStrategies(group = 'wardle.example.com'): CodeStrategies {
  return new CodeStrategies().register(group, 'Flunder', flunderStrategy(group));
}
