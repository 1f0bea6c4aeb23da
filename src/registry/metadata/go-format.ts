/**
 * How Go prints the values that appear in apimachinery's messages: `%q` (strconv.Quote), encoding/json's
 * Marshal, `%#U`, and the byte lengths Go's `len()` gives. Messages must match upstream's to the byte, and
 * Go counts and escapes by UTF-8 byte where JavaScript counts UTF-16 code units.
 */

/** Length in UTF-8 bytes, as Go's `len(string)`; a lone surrogate counts as U+FFFD, as Go's decoder makes it. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * The string's UTF-8 bytes as a string of one character per byte, so that slicing, `.length` and the
 * ASCII-only regular expressions of `util/validation` behave as they do on a Go string.
 */
export function goBytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Go's `strconv.IsPrint` (= `unicode.IsPrint`): letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isGoPrint(codePoint: number): boolean {
  return codePoint === 0x20 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(codePoint));
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** Each code point once; a lone surrogate becomes U+FFFD, as Go's JSON decoder would have made it. */
function* codePoints(s: string): Generator<number> {
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    yield cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp;
  }
}

/** `%q` of a string (strconv.Quote): printable runes as they are, the rest escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const cp of codePoints(s)) {
    if (cp === 0x22 || cp === 0x5c) out += `\\${String.fromCharCode(cp)}`;
    else if (isGoPrint(cp)) out += String.fromCodePoint(cp);
    else {
      const short: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };
      if (short[cp]) out += short[cp];
      else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
      else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
      else out += `\\U${hex(cp, 8)}`;
    }
  }
  return `${out}"`;
}

/** `%#U` of a rune that is not printable (the only kind apimachinery reports): `U+0007`. */
export function goRune(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A string as encoding/json writes it: HTML-safe (`<`, `>`, `&` escaped) and U+2028/U+2029 escaped. */
export function goJSONString(s: string): string {
  const wellFormed = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return JSON.stringify(wellFormed).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}

/**
 * encoding/json's Marshal of a decoded JSON value (`map[string]interface{}` and friends): map keys sorted
 * bytewise, strings HTML-safe. Numbers print as JavaScript prints them, which for float64 is Go's format too.
 */
export function goMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJSONString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goMarshal).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareBytes(a, b));
    return `{${entries.map(([k, v]) => `${goJSONString(k)}:${goMarshal(v)}`).join(',')}}`;
  }
  return 'null';
}

/** Go's string order (bytewise over UTF-8, which is code point order), not JavaScript's UTF-16 order. */
export function compareBytes(a: string, b: string): number {
  const x = goBytes(a);
  const y = goBytes(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
