import { describe, expect, it } from 'vitest';
import { scanJson } from './json-scan.js';

describe('scanJson', () => {
  it.each([
    ['no duplicates', '{"a":1,"b":{"c":2}}', []],
    ['a top-level duplicate', '{"kind":"A","kind":"B"}', ['kind']],
    ['a nested duplicate', '{"spec":{"reference":"a","reference":"b"}}', ['spec.reference']],
    ['duplicates inside list items', '{"spec":{"items":[{"n":1},{"n":1,"n":2}]}}', ['spec.items[1].n']],
    ['keys in strings are not keys', '{"a":"{\\"a\\":1,\\"a\\":2}","b":["a","a"]}', []],
    ['escaped keys compare decoded', '{"\\u0061":1,"a":2}', ['a']],
    ['the same key in sibling objects', '{"x":{"k":1},"y":{"k":1}}', []],
    ['nested arrays count indices', '{"m":[[{"k":1}],[{"k":1,"k":2}]]}', ['m[1][0].k']],
  ])('finds %s', (_name, text, duplicates) => {
    expect(scanJson(text)).toEqual({ duplicates, tooDeep: false });
  });

  it('stops at the depth limit', () => {
    expect(scanJson(`${'['.repeat(10)}${']'.repeat(10)}`, 10).tooDeep).toBe(false);
    expect(scanJson(`${'['.repeat(11)}${']'.repeat(11)}`, 10).tooDeep).toBe(true);
  });
});
