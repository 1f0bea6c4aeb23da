import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch, patcherFor } from './index.js';

describe('patches', () => {
  it('applies merge patches: null deletes, objects merge, arrays replace', () => {
    expect(applyMergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { a: null, b: { c: 5 }, e: [9] })).toEqual({
      b: { c: 5, d: 3 },
      e: [9],
    });
  });
  it('applies JSON patches and refuses a failed test with 422', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/b', value: 2 }])).toEqual({ a: 1, b: 2 });
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(
      expect.objectContaining({ status: expect.objectContaining({ code: 422 }) }),
    );
    expect(() => applyJsonPatch({ a: 1 }, { op: 'add' })).toThrow(
      expect.objectContaining({ status: expect.objectContaining({ code: 400 }) }),
    );
  });
  it('picks the patcher by content type, and refuses the others with 415', () => {
    expect(patcherFor('application/merge-patch+json; charset=utf-8').apply({ a: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(patcherFor('application/json-patch+json').strictPrefix).toBe('json patch ');
    for (const type of ['application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'application/json', undefined]) {
      expect(() => patcherFor(type)).toThrow(expect.objectContaining({ status: expect.objectContaining({ code: 415 }) }));
    }
  });
});
