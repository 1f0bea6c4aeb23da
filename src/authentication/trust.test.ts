import { describe, expect, it } from 'vitest';
import { createCA } from '../server/certificates/index.js';
import { type TrustFlags, TrustSource } from './trust.js';

const flags = (over: Partial<TrustFlags> = {}): TrustFlags => ({
  requestheaderAllowedNames: [],
  requestheaderUsernameHeaders: [],
  requestheaderUidHeaders: [],
  requestheaderGroupHeaders: [],
  requestheaderExtraHeadersPrefix: [],
  skipLookup: false,
  tolerateLookupFailure: false,
  ...over,
});

describe('TrustSource', () => {
  it('takes the request-header settings from the ConfigMap and picks up a rotated front-proxy CA without a restart', async () => {
    const first = await createCA({ commonName: 'front-proxy-ca-1' });
    const second = await createCA({ commonName: 'front-proxy-ca-2' });
    let data: Record<string, string> = {
      'requestheader-client-ca-file': first.cert,
      'requestheader-allowed-names': '["front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User"]',
      'requestheader-group-headers': '["X-Remote-Group"]',
      'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    };
    const source = new TrustSource(
      flags(),
      async () => data,
      () => {},
      50,
    );
    await source.start();
    try {
      const rh = source.current().requestHeader;
      expect(rh?.caBundle[0]?.subject).toBe('CN=front-proxy-ca-1');
      expect(rh).toMatchObject({
        allowedNames: ['front-proxy-client'],
        usernameHeaders: ['X-Remote-User'],
        extraHeaderPrefixes: ['X-Remote-Extra-'],
      });
      data = { ...data, 'requestheader-client-ca-file': second.cert };
      await new Promise((r) => setTimeout(r, 200));
      expect(source.current().requestHeader?.caBundle[0]?.subject).toBe('CN=front-proxy-ca-2');
    } finally {
      source.stop();
    }
  });

  it('applies a watched change at once, without waiting for the next re-read', async () => {
    const first = await createCA({ commonName: 'client-ca-1' });
    const second = await createCA({ commonName: 'client-ca-2' });
    let push: (data: Record<string, string> | undefined) => void = () => {};
    const source = new TrustSource(
      flags(),
      async () => ({ 'client-ca-file': first.cert }),
      () => {},
      60_000,
      (_ns, _name, onChange) => {
        push = onChange;
        return () => {};
      },
    );
    await source.start();
    try {
      expect(source.current().clientCA[0]?.subject).toBe('CN=client-ca-1');
      push({ 'client-ca-file': second.cert });
      await new Promise((r) => setTimeout(r, 20));
      expect(source.current().clientCA[0]?.subject).toBe('CN=client-ca-2');
    } finally {
      source.stop();
    }
  });

  it('fails start-up when the ConfigMap cannot be read, unless told to tolerate it', async () => {
    const down = async (): Promise<never> => {
      throw new Error('connection refused');
    };
    await expect(new TrustSource(flags(), down, () => {}).start()).rejects.toThrow(
      /unable to load configmap based request-header-client-ca-file: connection refused/,
    );
    const tolerant = new TrustSource(flags({ tolerateLookupFailure: true }), down, () => {});
    await tolerant.start();
    tolerant.stop();
    expect(tolerant.current()).toEqual({ clientCA: [] });
  });

  it('does not ask the cluster with --authentication-skip-lookup', async () => {
    let asked = false;
    const source = new TrustSource(
      flags({ skipLookup: true }),
      async () => {
        asked = true;
        return {};
      },
      () => {},
    );
    await source.start();
    source.stop();
    expect(asked).toBe(false);
  });
});
