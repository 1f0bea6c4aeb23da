/** Go's printing, as Go 1.26 prints the same values (strconv.Quote, encoding/json, %#U). */
import { describe, expect, it } from 'vitest';
import { byteLength, goJSONString, goMarshal, goQuote, goRune } from './go-format.js';

describe('go-format', () => {
  it.each<[string, string, string]>([
    ['quotes and backslashes', 'a"b\\c', '"a\\"b\\\\c"'],
    ['printable non-ASCII kept, NBSP and controls escaped', 'é\u00a0\u0007\x7f\u2028<&>', '"é\\u00a0\\a\\x7f\\u2028<&>"'],
    ['astral: printable kept, unprintable as \\U', '\u{1F600}\u{E0001}', '"\u{1F600}\\U000e0001"'],
    ['tab', 'tab\there', '"tab\\there"'],
    ['lone surrogate is U+FFFD, as Go decoded it', '\ud800', '"\ufffd"'],
  ])('goQuote: %s', (_name, input, want) => {
    expect(goQuote(input)).toBe(want);
  });

  it.each<[string, string, string]>([
    ['HTML-safe and U+2028 escaped, NBSP and DEL kept', 'é\u00a0\u0007\x7f\u2028<&>', '"é\u00a0\\u0007\x7f\\u2028\\u003c\\u0026\\u003e"'],
    ['astral kept', '\u{1F600}\u{E0001}', '"\u{1F600}\u{E0001}"'],
  ])('goJSONString: %s', (_name, input, want) => {
    expect(goJSONString(input)).toBe(want);
  });

  it('goMarshal sorts map keys bytewise and prints floats as Go does', () => {
    expect(goMarshal({ b: 1.5, a: [1, null, true, '<'], é: {}, Z: 1e21 })).toBe('{"Z":1e+21,"a":[1,null,true,"\\u003c"],"b":1.5,"é":{}}');
  });

  it('goRune prints %#U of an unprintable rune', () => {
    expect(goRune(7)).toBe('U+0007');
    expect(goRune(0xe0001)).toBe('U+E0001');
  });

  it('byteLength counts UTF-8 bytes', () => {
    expect(byteLength('aé\u{1F600}')).toBe(1 + 2 + 4);
  });
});
