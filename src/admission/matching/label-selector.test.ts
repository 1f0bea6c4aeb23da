import { describe, expect, it } from 'vitest';
import { labelSelectorError, labelSelectorIsEmpty, labelSelectorMatches } from './label-selector.js';
import type { LabelSelector } from './types.js';

describe('labelSelectorMatches', () => {
  const labels = { env: 'prod', tier: 'web' };
  const table: { name: string; selector: LabelSelector | undefined; labels?: Record<string, string>; want: boolean }[] = [
    { name: 'undefined selects everything', selector: undefined, want: true },
    { name: 'empty selects everything', selector: {}, want: true },
    { name: 'empty selects unlabelled objects', selector: { matchLabels: {}, matchExpressions: [] }, labels: {}, want: true },
    { name: 'matchLabels equal', selector: { matchLabels: { env: 'prod' } }, want: true },
    { name: 'matchLabels all must hold', selector: { matchLabels: { env: 'prod', tier: 'db' } }, want: false },
    { name: 'matchLabels on missing labels', selector: { matchLabels: { env: 'prod' } }, labels: undefined, want: false },
    { name: 'In', selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }] }, want: true },
    { name: 'In, other value', selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, want: false },
    { name: 'In, no such label', selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, want: false },
    { name: 'NotIn', selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, want: true },
    { name: 'NotIn, listed value', selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, want: false },
    { name: 'NotIn, no such label', selector: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, want: true },
    { name: 'Exists', selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, want: true },
    { name: 'Exists, missing', selector: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, want: false },
    { name: 'DoesNotExist', selector: { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, want: true },
    { name: 'DoesNotExist, present', selector: { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, want: false },
    {
      name: 'labels and expressions together',
      selector: { matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
      want: true,
    },
    {
      name: 'an invalid selector selects nothing',
      selector: { matchExpressions: [{ key: 'env', operator: 'Equals' as never, values: ['prod'] }] },
      want: false,
    },
  ];
  for (const tt of table) {
    it(tt.name, () => {
      expect(labelSelectorMatches(tt.selector, 'labels' in tt ? tt.labels : labels)).toBe(tt.want);
    });
  }
});

describe('labelSelectorError', () => {
  it('reports what LabelSelectorAsSelector refuses, with its messages', () => {
    expect(labelSelectorError({ matchExpressions: [{ key: 'a', operator: 'Equals' as never }] })).toBe(
      '"Equals" is not a valid label selector operator',
    );
    expect(labelSelectorError({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toBe(
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    );
    expect(labelSelectorError({ matchExpressions: [{ key: 'a', operator: 'NotIn' }] })).toBe(
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    );
    expect(labelSelectorError({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toBe(
      'values: Invalid value: ["x"]: values set must be empty for exists and does not exist',
    );
    expect(labelSelectorError({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] })).toBeUndefined();
  });

  it('knows an empty selector', () => {
    expect(labelSelectorIsEmpty(undefined)).toBe(true);
    expect(labelSelectorIsEmpty({ matchLabels: {} })).toBe(true);
    expect(labelSelectorIsEmpty({ matchExpressions: [{ key: 'a', operator: 'Exists' }] })).toBe(false);
  });
});
