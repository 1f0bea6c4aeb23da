import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { decorateRequestContext, setUser } from '../../endpoints/request/context.js';
import { installRequestInfo } from '../../endpoints/request/request-info.js';
import { Metrics } from '../../metrics/metrics.js';
import { installErrorHandler } from '../error-handler.js';
import { installMaxInFlight } from './max-in-flight.js';

/**
 * An app with the filter in front of a collection whose gets wait for `release`, and of its objects, which do
 * not; a request with an x-admin header is from system:masters.
 */
async function heldApp(limit: number, metrics?: Metrics) {
  const app = Fastify();
  decorateRequestContext(app);
  installErrorHandler(app);
  installRequestInfo(app);
  app.addHook('onRequest', async (req) => {
    setUser(req, { name: 'u', groups: req.headers['x-admin'] ? ['system:masters'] : [], extra: {} });
  });
  installMaxInFlight(app, { maxRequestsInflight: limit, maxMutatingRequestsInflight: limit }, metrics);
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  app.get('/apis/g/v1/things', async () => {
    await held;
    return { ok: true };
  });
  app.get('/apis/g/v1/things/:name', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, release, base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

describe('max in flight', () => {
  it('answers 429 with Retry-After past the limit, exempts watches and system:masters, and recovers', async () => {
    const { app, release, base } = await heldApp(1);
    try {
      const slow = fetch(`${base}/apis/g/v1/things`);
      await new Promise((r) => setTimeout(r, 100));
      const refused = await fetch(`${base}/apis/g/v1/things/a`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
      expect((await fetch(`${base}/apis/g/v1/things/a`, { headers: { 'x-admin': '1' } })).status).toBe(200);
      release();
      expect((await slow).status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      expect((await fetch(`${base}/apis/g/v1/things/a`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('publishes the most requests in flight during the last second (upstream watermark)', async () => {
    const metrics = new Metrics();
    const { app, release, base } = await heldApp(5, metrics);
    const gauge = async (kind: string) => (await metrics.inflight.get()).values.find((v) => v.labels.request_kind === kind)?.value ?? 0;
    try {
      const slow = [fetch(`${base}/apis/g/v1/things`), fetch(`${base}/apis/g/v1/things`)];
      await new Promise((r) => setTimeout(r, 1100));
      expect(await gauge('readOnly')).toBe(2);
      expect(await gauge('mutating')).toBe(0);
      release();
      for (const res of await Promise.all(slow)) expect(res.status).toBe(200);
      // Not set per request: the second the release fell in saw both; the one after that saw none.
      expect(await gauge('readOnly')).toBe(2);
      await new Promise((r) => setTimeout(r, 2100));
      expect(await gauge('readOnly')).toBe(0);
    } finally {
      await app.close();
    }
  });
});
