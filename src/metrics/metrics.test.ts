import { X509Certificate } from 'node:crypto';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { newNotFound } from '../apimachinery/errors.js';
import { TrustSource } from '../authentication/trust.js';
import { withStatusErrors } from '../registry/storage-errors.js';
import { createCA } from '../server/certificates/index.js';
import { installErrorHandler } from '../server/error-handler.js';
import { StorageError } from '../storage/interfaces.js';
import { installMetrics, Metrics } from './metrics.js';

const notAfter = (pem: string): number => Date.parse(new X509Certificate(pem).validTo) / 1000;
const DAY = 86_400_000;

/** The samples of one metric in the text format, by their labels. */
async function samples(metrics: Metrics, name: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await metrics.registry.metrics()).split('\n')) {
    const m = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (m) out[m[1] ?? ''] = Number(m[2]);
  }
  return out;
}

describe('apiserver_certificate_expiration_timestamp_seconds', () => {
  it("is each certificate's notAfter, the first to expire of a bundle, and follows a rotation at the next scrape", async () => {
    const [a, b, c] = await Promise.all([
      createCA({ commonName: 'a', notAfter: new Date(Date.now() + 400 * DAY) }),
      createCA({ commonName: 'b', notAfter: new Date(Date.now() + 20 * DAY) }),
      createCA({ commonName: 'c', notAfter: new Date(Date.now() + 90 * DAY) }),
    ]);
    const metrics = new Metrics();
    let serving = [new X509Certificate(a.cert)];
    metrics.watchCertificates('serving', () => serving);
    metrics.watchCertificates('client-ca', () => [new X509Certificate(a.cert), new X509Certificate(b.cert)]);
    metrics.watchCertificates('requestheader-client-ca', () => []);
    const name = 'apiserver_certificate_expiration_timestamp_seconds';
    expect(await samples(metrics, name)).toEqual({
      '{certificate="serving"}': notAfter(a.cert),
      '{certificate="client-ca"}': notAfter(b.cert),
    });
    serving = [new X509Certificate(c.cert)];
    expect((await samples(metrics, name))['{certificate="serving"}']).toBe(notAfter(c.cert));
  });

  it('follows a CA bundle that TrustSource re-reads (a rotated --client-ca-file)', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'trust-metric-'));
    const [first, second] = await Promise.all([
      createCA({ commonName: 'client-ca-1', notAfter: new Date(Date.now() + 10 * DAY) }),
      createCA({ commonName: 'client-ca-2', notAfter: new Date(Date.now() + 700 * DAY) }),
    ]);
    const file = join(dir, 'ca.crt');
    writeFileSync(file, first.cert);
    const trust = new TrustSource(
      {
        clientCaFile: file,
        requestheaderAllowedNames: [],
        requestheaderUsernameHeaders: [],
        requestheaderUidHeaders: [],
        requestheaderGroupHeaders: [],
        requestheaderExtraHeadersPrefix: [],
        skipLookup: true,
        tolerateLookupFailure: false,
      },
      undefined,
      () => {},
      50,
    );
    await trust.start();
    const metrics = new Metrics();
    metrics.watchCertificates('client-ca', () => trust.current().clientCA);
    try {
      const value = async (): Promise<number | undefined> =>
        (await samples(metrics, 'apiserver_certificate_expiration_timestamp_seconds'))['{certificate="client-ca"}'];
      expect(await value()).toBe(notAfter(first.cert));
      writeFileSync(file, second.cert);
      await expect.poll(value, { timeout: 5000 }).toBe(notAfter(second.cert));
    } finally {
      trust.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('apiserver_storage_request_errors_total', () => {
  it('counts requests failed by storage (unavailable, unexpected), not answers about objects (not found)', async () => {
    const metrics = new Metrics();
    const app = Fastify();
    installErrorHandler(app);
    installMetrics(app, metrics);
    const gr = { group: 'wardle.example.com', resource: 'flunders' };
    const fail = (err: unknown) => async () =>
      withStatusErrors(gr, 'x', async () => {
        throw err;
      });
    app.get('/unavailable', fail(new StorageError('Unavailable', '/k', 'storage write failed')));
    app.get('/unexpected', fail(new Error('disk on fire')));
    app.get('/missing', fail(new StorageError('NotFound', '/k', 'not found')));
    app.get('/status', fail(newNotFound(gr, 'x')));
    const codes = [];
    for (const url of ['/unavailable', '/unexpected', '/missing', '/status', '/unavailable']) {
      codes.push((await app.inject({ url })).statusCode);
    }
    expect(codes).toEqual([503, 500, 404, 404, 503]);
    expect(await samples(metrics, 'apiserver_storage_request_errors_total')).toEqual({ '{verb="",group="",resource=""}': 3 });
    await app.close();
  });
});
