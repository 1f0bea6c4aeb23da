/**
 * Field errors as apimachinery's `util/validation/field` builds them (`field.Required`, `field.Invalid`,
 * `field.NotSupported`, ...), with `ErrorBody`'s wording and its rendering of the bad value, so causes and
 * messages read exactly as kube-apiserver's.
 */
import type { FieldError } from './errors.js';
import { goMarshal, goQuote } from './go-format.js';

/**
 * A bad value whose Go type `ErrorBody` does not print with `%q` although it holds a string: a named string
 * type (`types.UID`, `ManagedFieldsOperationType`) or a struct prints as JSON. `text` is what Go prints.
 */
export class PrintedValue {
  constructor(readonly text: string) {}
}

/**
 * The bad value as `ErrorBody` prints it: numbers and booleans bare, strings with `%q` (strconv.Quote), null
 * as `null`, anything else (string lists included, as `["Bogus"]`) as encoding/json writes it.
 */
export function goValue(value: unknown): string {
  if (value instanceof PrintedValue) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return goQuote(value);
  return goMarshal(value);
}

const withDetail = (head: string, detail?: string): string => (detail ? `${head}: ${detail}` : head);

export function required(field: string, detail?: string): FieldError {
  return { type: 'FieldValueRequired', field, message: withDetail('Required value', detail) };
}

export function invalid(field: string, value: unknown, detail?: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: withDetail(`Invalid value: ${goValue(value)}`, detail) };
}

export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  const list = supported.map(goQuote).join(', ');
  return {
    type: 'FieldValueNotSupported',
    field,
    message: withDetail(`Unsupported value: ${goValue(value)}`, list && `supported values: ${list}`),
  };
}

export function forbidden(field: string, detail?: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) };
}

export function tooLong(field: string, maxBytes: number): FieldError {
  return { type: 'FieldValueTooLong', field, message: `Too long: may not be more than ${maxBytes} bytes` };
}
