/** CEL equality and ordering of the values rules see (objects of schema types included). */
import { Duration } from '@marcbachmann/cel-js/evaluator';

export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    // int and double of the same value are equal in CEL's heterogeneous runtime equality.
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number') && Number(a) === Number(b);
  }
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !celEquals(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Duration) return b instanceof Duration && a.seconds === b.seconds && a.nanos === b.nanos;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && celEquals(ra[k], rb[k]));
}

/** Ordering of two comparable values of one type (numbers, strings, bytes, bools, durations, timestamps). */
export function compareValues(a: unknown, b: unknown): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  if (a instanceof Duration && b instanceof Duration) return Number(a.valueOf()) - Number(b.valueOf());
  const x = ordinal(a);
  const y = ordinal(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

type Ordinal = number | bigint | string | boolean;

function ordinal(v: unknown): Ordinal {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'object' && v !== null) return Number(v.valueOf());
  return v as Ordinal;
}
