import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { newDelegatingAuthenticator } from './delegating.js';

const request = (headers: Record<string, string>): FastifyRequest =>
  ({ headers, raw: { rawHeaders: Object.entries(headers).flat() } }) as never;

describe('delegating authenticator', () => {
  const tokenOnly = newDelegatingAuthenticator({
    anonymous: true,
    tokenReview: {
      review: async (token) =>
        token === 'good' ? { authenticated: true, user: { username: 'tina', groups: ['dev'] } } : { authenticated: false },
      cacheTTLSeconds: 10,
    },
  });

  it('adds system:authenticated to the user a TokenReview names', async () => {
    const res = await tokenOnly.authenticator.authenticate(request({ authorization: 'Bearer good' }));
    expect(res?.user).toEqual({ name: 'tina', groups: ['dev', 'system:authenticated'], extra: {} });
  });

  it('has no opinion without credentials, and fails bad ones', async () => {
    expect(await tokenOnly.authenticator.authenticate(request({}))).toBeUndefined();
    await expect(tokenOnly.authenticator.authenticate(request({ authorization: 'Bearer bad' }))).rejects.toThrow(/not authenticated/);
  });

  it('strips the identity headers of the front proxy it trusts, and none when it trusts none', () => {
    expect(tokenOnly.identityHeaders).toBeUndefined();
    const proxied = newDelegatingAuthenticator({
      anonymous: false,
      requestHeader: () => ({
        caBundle: [],
        allowedNames: [],
        usernameHeaders: ['X-Remote-User'],
        uidHeaders: [],
        groupHeaders: ['X-Remote-Group'],
        extraHeaderPrefixes: ['X-Remote-Extra-'],
      }),
    });
    expect(proxied.anonymous).toBe(false);
    expect(proxied.identityHeaders?.()).toEqual({ names: ['x-remote-user', 'x-remote-group'], prefixes: ['x-remote-extra-'] });
  });
});
