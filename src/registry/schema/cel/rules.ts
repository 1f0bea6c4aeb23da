/**
 * Whether a schema has `x-kubernetes-validations`: asked when a definition is loaded, apart from compile.ts, so
 * that definitions without rules never load the CEL library.
 */
import type { JSONSchemaProps } from '../../definitions/json-schema.js';
import type { ValidationRule } from './compiled.js';

export const rulesOf = (s: JSONSchemaProps): ValidationRule[] => (s['x-kubernetes-validations'] as ValidationRule[] | undefined) ?? [];

/** Whether `s` or any schema beneath it has rules. */
export function hasRules(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  if (rulesOf(s).length > 0 || hasRules(s.items)) return true;
  if (typeof s.additionalProperties === 'object' && hasRules(s.additionalProperties)) return true;
  return Object.values(s.properties ?? {}).some(hasRules);
}
