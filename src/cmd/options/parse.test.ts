import { describe, expect, it } from 'vitest';
import { parseDuration, parseQuantity } from './parse.js';

describe('parseDuration', () => {
  it.each([
    ['10s', 10],
    ['1m30s', 90],
    ['500ms', 0.5],
    ['2h', 7200],
    ['15', 15],
  ])('%s is %d seconds', (v, s) => {
    expect(parseDuration(v)).toBe(s);
  });
  it.each(['', '10x', 's', '1m 2s'])('rejects %j', (v) => {
    expect(() => parseDuration(v)).toThrow(/invalid duration/);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['67108864', 67108864],
    ['64Mi', 64 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['500k', 500_000],
    ['2M', 2_000_000],
  ])('%s is %d bytes', (v, n) => {
    expect(parseQuantity(v)).toBe(n);
  });
  it.each(['', '64MB', '-1', '1.5Gi', 'Mi'])('rejects %j', (v) => {
    expect(() => parseQuantity(v)).toThrow(/invalid quantity/);
  });
});
