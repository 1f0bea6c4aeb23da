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

const GRAPHIC = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * Go's `strconv.IsPrint` (= `unicode.IsPrint`): letters, marks, numbers, punctuation, symbols and ASCII
 * space. Go 1.26's tables are Unicode 15.0 and Node's ICU is newer (17.0 here), so characters assigned since print
 * literally here where Go escapes them.
 */
export function isGoPrint(codePoint: number): boolean {
  return codePoint === 0x20 || GRAPHIC.test(String.fromCodePoint(codePoint));
}

/** strconv.Quote's short escapes. */
const SHORT_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

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
      if (SHORT_ESCAPES[cp]) out += SHORT_ESCAPES[cp];
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
 * Written with an explicit stack: a request body may nest deeper than JavaScript's call stack.
 */
export function goMarshal(value: unknown): string {
  let out = '';
  const work: Array<{ value: unknown } | string> = [{ value }];
  while (work.length > 0) {
    const item = work.pop()!;
    if (typeof item === 'string') {
      out += item;
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      out += '[';
      work.push(']');
      for (let i = v.length - 1; i >= 0; i--) work.push({ value: v[i] }, ...(i > 0 ? [','] : []));
    } else if (typeof v === 'object' && v !== null) {
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => compareBytes(a, b));
      out += '{';
      work.push('}');
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i]!;
        work.push({ value: x }, `${goJSONString(k)}:`, ...(i > 0 ? [','] : []));
      }
    } else {
      out +=
        typeof v === 'string'
          ? goJSONString(v)
          : typeof v === 'number' && Number.isFinite(v)
            ? String(v)
            : typeof v === 'boolean'
              ? String(v)
              : 'null';
    }
  }
  return out;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * Go's string order (bytewise over UTF-8, which is code point order). JavaScript's own order differs only
 * where a surrogate pair meets a character from U+E000 up, so only then are the bytes compared.
 */
export function compareBytes(a: string, b: string): number {
  const [x, y] = SURROGATE.test(a) || SURROGATE.test(b) ? [goBytes(a), goBytes(b)] : [a, b];
  return x < y ? -1 : x > y ? 1 : 0;
}
