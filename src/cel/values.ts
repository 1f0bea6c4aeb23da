/** JSON as CEL sees a value whose type no schema gives (dyn): integers as int (BigInt), objects as maps. */
import { isPlainObject } from '../apimachinery/types.js';

export function plainToCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(plainToCel);
  if (isPlainObject(value)) return new Map(Object.entries(value).map(([k, v]) => [k, plainToCel(v)]));
  return value;
}
