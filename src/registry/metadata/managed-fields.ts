/**
 * `ValidateManagedFields` (apimachinery `apis/meta/v1/validation`) over managed fields that have been
 * through `coerceObjectMeta`: operation Apply or Update, fieldsType FieldsV1 or empty, a printable manager
 * of at most 128 bytes (`validateFieldManager`), a subresource of at most 256 bytes.
 * In kube-apiserver the field manager runs first and replaces what a client sent when it does not decode
 * (measured on v1.37.2: a create with operation "Foo" is stored without those entries); with no field
 * manager of our own, these rules are what keeps such entries out.
 */
import type { FieldError } from '../../apimachinery/errors.js';
import { invalid, notSupported, PrintedValue, required, tooLong } from '../../apimachinery/field.js';
import { byteLength, goJSONString } from '../../apimachinery/go-format.js';
import { validateFieldManager } from '../../apimachinery/options.js';
import type { ManagedFieldsEntry } from '../../apimachinery/types.js';

const MAX_SUBRESOURCE_NAME_LENGTH = 256;

export function validateManagedFields(entries: ManagedFieldsEntry[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  entries.forEach((entry, i) => {
    const at = `${field}[${i}]`;
    const operation = entry.operation ?? '';
    if (operation === '') {
      errs.push(required(`${at}.operation`, 'must not be empty'));
    } else if (operation !== 'Apply' && operation !== 'Update') {
      // The value is a named string type, so Go prints it as JSON, not with %q.
      errs.push(notSupported(`${at}.operation`, new PrintedValue(goJSONString(operation)), ['Apply', 'Update']));
    }
    const fieldsType = entry.fieldsType ?? '';
    if (fieldsType !== '' && fieldsType !== 'FieldsV1') errs.push(invalid(`${at}.fieldsType`, fieldsType, 'must be `FieldsV1`'));
    errs.push(...validateFieldManager(entry.manager ?? '', `${at}.manager`));
    if (byteLength(entry.subresource ?? '') > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(tooLong(`${at}.subresource`, MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}
