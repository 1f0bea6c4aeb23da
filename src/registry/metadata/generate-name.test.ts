/** The generated name's shape, as `names.SimpleNameGenerator` makes it. */
import { describe, expect, it } from 'vitest';
import { generateName } from './generate-name.js';

describe('generateName', () => {
  it('appends 5 characters of the alphabet and caps the prefix at 58', () => {
    expect(generateName('pre-')).toMatch(/^pre-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(generateName('p'.repeat(70))).toHaveLength(63);
  });
});
