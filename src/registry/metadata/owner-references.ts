/**
 * `ValidateOwnerReferences` (apimachinery `api/validation/objectmeta.go`) over owner references that
 * have been through `coerceObjectMeta`: the four identifying fields are required, the apiVersion must
 * parse, an Event may own nothing, and at most one reference may be the controller.
 */
import type { FieldError } from '../../apimachinery/errors.js';
import type { OwnerReference } from '../../apimachinery/types.js';
import { invalid, PrintedValue, required } from '../../apimachinery/field.js';
import { goJSONString } from '../../apimachinery/go-format.js';

/** An owner reference as encoding/json writes `metav1.OwnerReference`, for the messages that print one. */
function marshalOwnerReference(ref: OwnerReference): string {
  const fields = [
    `"apiVersion":${goJSONString(ref.apiVersion)}`,
    `"kind":${goJSONString(ref.kind)}`,
    `"name":${goJSONString(ref.name)}`,
    `"uid":${goJSONString(ref.uid)}`,
  ];
  if (typeof ref.controller === 'boolean') fields.push(`"controller":${ref.controller}`);
  if (typeof ref.blockOwnerDeletion === 'boolean') fields.push(`"blockOwnerDeletion":${ref.blockOwnerDeletion}`);
  return `{${fields.join(',')}}`;
}

/** `schema.ParseGroupVersion`: "" and "/" are the empty version, more than one slash is an error. */
function parseGroupVersion(gv: string): { group: string; version: string } | undefined {
  if (gv === '' || gv === '/') return { group: '', version: '' };
  const parts = gv.split('/');
  if (parts.length === 1) return { group: '', version: gv };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

function validateOwnerReference(ref: OwnerReference, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const empty = (name: keyof OwnerReference): void => {
    errs.push(required(`${field}.${name}`, 'must not be empty'));
  };
  const gv = parseGroupVersion(ref.apiVersion);
  if (ref.apiVersion === '') empty('apiVersion');
  else if (!gv || gv.version === '') {
    errs.push(invalid(`${field}.apiVersion`, ref.apiVersion, 'must be <group>/<version> or <version>'));
  }
  if (ref.kind === '') empty('kind');
  if (ref.name === '') empty('name');
  if (ref.uid === '') empty('uid');
  // BannedOwners: an Event never owns anything.
  if (gv && gv.group === '' && gv.version === 'v1' && ref.kind === 'Event') {
    errs.push(invalid(field, new PrintedValue(marshalOwnerReference(ref)), '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

export function validateOwnerReferences(refs: OwnerReference[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  refs.forEach((ref, i) => {
    errs.push(...validateOwnerReference(ref, `${field}[${i}]`));
    if (ref.controller !== true) return;
    const current = `${ref.kind}/${ref.name}`;
    if (firstController === '') {
      firstController = current;
      return;
    }
    errs.push(
      invalid(
        field,
        new PrintedValue(`[${refs.map(marshalOwnerReference).join(',')}]`),
        `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
      ),
    );
  });
  return errs;
}
