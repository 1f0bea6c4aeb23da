/**
 * `ValidateManagedFields` and `ValidateFieldManager` (apimachinery `apis/meta/v1/validation`) over
 * managed fields that have been through `coerceObjectMeta`: operation Apply or Update, fieldsType
 * FieldsV1 or empty, a printable manager of at most 128 bytes, a subresource of at most 256 bytes.
 * In kube-apiserver the field manager runs first and replaces what a client sent when it does not decode
 * (measured on v1.37.2: a create with operation "Foo" is stored without those entries); with no field
 * manager of our own, these rules are what keeps such entries out.
 */
import type { FieldError } from '../../apimachinery/errors.js';
import type { ManagedFieldsEntry } from '../../apimachinery/types.js';
import { byteLength, goJSONString, goQuote, goRune, isGoPrint } from './go-format.js';

const FIELD_MANAGER_MAX_LENGTH = 128;
const MAX_SUBRESOURCE_NAME_LENGTH = 256;

const tooLong = (field: string, max: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  message: `Too long: may not be more than ${max} bytes`,
});

/** `ValidateFieldManager`; also what a request's `?fieldManager=` must satisfy. Positions are byte offsets. */
export function validateFieldManager(manager: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong(field, FIELD_MANAGER_MAX_LENGTH));
  let offset = 0;
  for (const ch of manager) {
    const cp = ch.codePointAt(0) as number;
    if (!isGoPrint(cp) && !(cp >= 0xd800 && cp <= 0xdfff)) {
      errs.push({
        type: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${goQuote(manager)}: invalid character ${goRune(cp)} (at position ${offset})`,
      });
    }
    offset += byteLength(ch);
  }
  return errs;
}

export function validateManagedFields(entries: ManagedFieldsEntry[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  entries.forEach((entry, i) => {
    const at = `${field}[${i}]`;
    const operation = entry.operation ?? '';
    if (operation === '') {
      errs.push({ type: 'FieldValueRequired', field: `${at}.operation`, message: 'Required value: must not be empty' });
    } else if (operation !== 'Apply' && operation !== 'Update') {
      // The value is a named string type, so Go prints it as JSON, not with %q.
      errs.push({
        type: 'FieldValueNotSupported',
        field: `${at}.operation`,
        message: `Unsupported value: ${goJSONString(operation)}: supported values: "Apply", "Update"`,
      });
    }
    const fieldsType = entry.fieldsType ?? '';
    if (fieldsType !== '' && fieldsType !== 'FieldsV1') {
      errs.push({
        type: 'FieldValueInvalid',
        field: `${at}.fieldsType`,
        message: `Invalid value: ${goQuote(fieldsType)}: must be \`FieldsV1\``,
      });
    }
    errs.push(...validateFieldManager(entry.manager ?? '', `${at}.manager`));
    if (byteLength(entry.subresource ?? '') > MAX_SUBRESOURCE_NAME_LENGTH)
      errs.push(tooLong(`${at}.subresource`, MAX_SUBRESOURCE_NAME_LENGTH));
  });
  return errs;
}
