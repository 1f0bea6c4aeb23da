import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandler } from '../error-handler.js';
import { installLoadShedding } from './load-shedding.js';

describe('load shedding', () => {
  it('answers 429 while the event loop lags, keeps answering health checks, and recovers', async () => {
    const app = Fastify();
    installErrorHandler(app);
    installLoadShedding(app, { maxEventLoopDelayMs: 100, maxHeapUsedBytes: 1e12, sampleIntervalMs: 100 });
    // The stage after it in the chain (authorization, which may call the kube-apiserver) must not run when it refuses.
    let authorized = 0;
    app.addHook('onRequest', async () => {
      authorized++;
    });
    app.get('/apis/g/v1/things', async () => ({ ok: true }));
    app.get('/readyz', async () => 'ok');
    await app.ready();
    // Let the first samples land: an empty sample reads as an infinite delay.
    await new Promise((r) => setTimeout(r, 250));
    try {
      expect((await app.inject('/apis/g/v1/things')).statusCode).toBe(200);
      const until = Date.now() + 2000;
      while (Date.now() < until) {
        /* block the event loop */
      }
      await new Promise((r) => setTimeout(r, 20));
      const before = authorized;
      const refused = await app.inject('/apis/g/v1/things');
      expect(refused.statusCode).toBe(429);
      expect(authorized).toBe(before);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toMatchObject({ kind: 'Status', reason: 'TooManyRequests' });
      expect((await app.inject('/readyz')).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 400));
      expect((await app.inject('/apis/g/v1/things')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
