import { describe, expect, it } from 'vitest';
import { decodeContinue, encodeContinue } from './continue-token.js';

describe('continue tokens', () => {
  it('round-trips the resourceVersion and the key after the prefix, in the upstream format', () => {
    const token = encodeContinue(42, '/g/r/', '/g/r/ns/name');
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: 42, start: 'ns/name\u0000' });
    expect(decodeContinue(token)).toEqual({ resourceVersion: 42, startAfter: 'ns/name' });
  });

  it.each([
    ['not base64 json', 'x'],
    ['wrong version', Buffer.from(JSON.stringify({ v: 'v2', rv: 1, start: 'a' })).toString('base64url')],
    ['rv zero', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' })).toString('base64url')],
    ['path escape', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '../x' })).toString('base64url')],
    ['empty start', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 3, start: '' })).toString('base64url')],
  ])('rejects a token with %s as 400 BadRequest', (_name, token) => {
    expect(() => decodeContinue(token)).toThrow(
      expect.objectContaining({ status: expect.objectContaining({ code: 400, reason: 'BadRequest' }) }),
    );
  });
});
