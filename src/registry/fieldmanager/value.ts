/**
 * JSON values as structured-merge-diff's `value` package orders and writes them: the total order that sorts
 * set-list values and map-list keys, and the JSON text of a value inside a `k:` or `v:` path element.
 */

/** A decoded JSON value (what a custom resource is made of). */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/**
 * Go compares strings byte by byte in UTF-8, which is code point order; JavaScript's `<` compares UTF-16
 * code units, which disagrees for characters above U+FFFF against U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function rank(v: Value): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null) return 4;
  return 5;
}

/**
 * value.Compare: numbers (ints and floats compared numerically), then strings, booleans, lists, maps, and
 * null last. Maps compare key by key in lexical key order; a map missing a key the other has sorts after it.
 */
export function compareValues(a: Value, b: Value): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
    case 1:
      return compareStrings(a as string, b as string);
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3:
      return compareLists(a as Value[], b as Value[]);
    case 4:
      return compareMaps(a as Record<string, Value>, b as Record<string, Value>);
    default:
      return 0;
  }
}

function compareLists(a: Value[], b: Value[]): number {
  for (let i = 0; ; i++) {
    if (i >= a.length && i >= b.length) return 0;
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
}

/** MapCompareUsing walks the union of keys in order, counting how many it has passed. */
function compareMaps(a: Record<string, Value>, b: Record<string, Value>): number {
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length === 0 && bKeys.length === 0) return 0;
  const keys = [...new Set([...aKeys, ...bKeys])].sort(compareStrings);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    let c: number;
    if (i === aKeys.length) c = -1;
    else if (i === bKeys.length) c = 1;
    else if (!Object.hasOwn(a, k)) c = 1;
    else if (!Object.hasOwn(b, k)) c = -1;
    else c = compareValues(a[k]!, b[k]!);
    if (c !== 0) return c;
  }
  return 0;
}

const HEX = '0123456789abcdef';

/**
 * A JSON string as json-iterator writes it. Object field names (`WriteString`) escape only `"`, `\` and
 * control characters; values (`ConfigCompatibleWithStandardLibrary`) also escape `<`, `>`, `&`, U+2028 and
 * U+2029, as encoding/json does. A lone surrogate cannot occur in a Go string: it was decoded as U+FFFD.
 */
export function quoteJSON(s: string, escapeHTML: boolean): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c === 0x22 || c === 0x5c) esc = `\\${s[i]}`;
    else if (c === 0x0a) esc = '\\n';
    else if (c === 0x0d) esc = '\\r';
    else if (c === 0x09) esc = '\\t';
    else if (c < 0x20 || (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) esc = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    else if (escapeHTML && (c === 0x2028 || c === 0x2029)) esc = `\\u202${HEX[c & 0xf]}`;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = escapeHTML ? '\\ufffd' : '\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out + s.slice(start)}"`;
}

/**
 * Go's float64 text (json-iterator's WriteFloat64 and strconv 'f'/'e' with shortest precision) agrees with
 * JavaScript's number text, exponent included; integers are int64 in Go, never in exponent form.
 */
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`unsupported value: ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return Object.is(n, -0) ? '0' : BigInt(n).toString();
  return String(n);
}

/** A value's JSON text as `stream.WriteVal(v.Unstructured())` writes it: map keys sorted, HTML escaped. */
export function encodeValue(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return quoteJSON(v, true);
  if (Array.isArray(v)) return `[${v.map(encodeValue).join(',')}]`;
  const keys = Object.keys(v).sort(compareStrings);
  return `{${keys.map((k) => `${quoteJSON(k, true)}:${encodeValue(v[k]!)}`).join(',')}}`;
}

/** value.ToString, used in the human-readable form of a path (`[name="x"]`). */
export function valueToString(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  return Object.keys(v)
    .map((k) => `${k}=${valueToString(v[k]!)}`)
    .join('');
}

/** value.Equals: deep equality, map keys in any order. */
export function equalValues(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => equalValues(v, b[i]!));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equalValues(a[k]!, b[k]!));
}
