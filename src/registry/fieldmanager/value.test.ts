import { describe, expect, it } from 'vitest';
import { compareStrings, encodeValue, quoteJSON } from './value.js';

describe('encodeValue (json-iterator, ConfigCompatibleWithStandardLibrary)', () => {
  const table: [string, unknown, string][] = [
    ['an int', 80, '80'],
    ['a negative zero', -0, '0'],
    ['a float', 2.5, '2.5'],
    ['a large float in exponent form', 1e21, '1e+21'],
    ['a small float in exponent form', 1.5e-7, '1.5e-7'],
    ['a small float in fixed form', 0.000001, '0.000001'],
    ['an int beyond 2^53 without exponent', 2 ** 60, '1152921504606846976'],
    ['map keys sorted', { b: 1, a: [true, null] }, '{"a":[true,null],"b":1}'],
    ['HTML characters escaped', '<a&b>', '"\\u003ca\\u0026b\\u003e"'],
    ['line and paragraph separators escaped', '\u2028\u2029', '"\\u2028\\u2029"'],
    ['control characters as Go writes them', '\b\f\n\u0001', '"\\u0008\\u000c\\n\\u0001"'],
    ['a lone surrogate as U+FFFD', '\ud800x', '"\\ufffdx"'],
    ['characters beyond the BMP raw', '🚀', '"🚀"'],
  ];
  it.each(table)('%s', (_name, v, text) => {
    expect(encodeValue(v as never)).toBe(text);
  });

  it('leaves HTML characters alone in object field names (WriteString)', () => {
    expect(quoteJSON('<a>"\\', false)).toBe('"<a>\\"\\\\"');
  });
});

describe('compareStrings', () => {
  it('orders by code point, as Go orders UTF-8 bytes', () => {
    expect(compareStrings('\uffff', '\u{10000}')).toBe(-1);
    expect('\uffff' < '\u{10000}').toBe(false);
    expect(compareStrings('a', 'ab')).toBe(-1);
    expect(compareStrings('b', 'ab')).toBe(1);
    expect(compareStrings('x', 'x')).toBe(0);
  });
});
