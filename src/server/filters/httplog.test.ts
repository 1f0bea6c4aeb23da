import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { describe, expect, it } from 'vitest';
import { newAuditID, installAuditInit } from '../../audit/filter.js';
import { installHTTPLog } from './httplog.js';

/** An app logging like the server (request id = audit ID, labelled auditID), its lines collected. */
function app(level: string, slowRequestThreshold: number): { app: FastifyInstance; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const fastify = Fastify({
    logger: { level, stream },
    genReqId: newAuditID,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'auditID' }),
  });
  installAuditInit(fastify);
  installHTTPLog(fastify, { slowRequestThreshold });
  fastify.get('/fast', async () => 'ok');
  fastify.get('/slow', async () => {
    await new Promise((r) => setTimeout(r, 60));
    return 'ok';
  });
  return { app: fastify, lines };
}

const requestLines = (lines: Record<string, any>[]) => lines.filter((l) => l.msg === 'slow request' || l.msg === 'request');

describe('httplog', () => {
  it('logs a request slower than the threshold at info, with its audit ID, and not a fast one', async () => {
    const { app: a, lines } = app('info', 0.05);
    const fast = await a.inject({ url: '/fast' });
    const slow = await a.inject({ url: '/slow', headers: { 'audit-id': 'the-audit-id', 'user-agent': 'kubectl/v1.35' } });
    expect(fast.headers['audit-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(slow.headers['audit-id']).toBe('the-audit-id');
    const logged = requestLines(lines);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 30,
      msg: 'slow request',
      auditID: 'the-audit-id',
      verb: 'get',
      url: '/slow',
      code: 200,
      userAgent: 'kubectl/v1.35',
      thresholdMs: 50,
    });
    expect(logged[0]!.latencyMs).toBeGreaterThanOrEqual(50);
    await a.close();
  });

  it('logs every request at debug level, and none as slow with a threshold of 0', async () => {
    const { app: a, lines } = app('debug', 0);
    const res = await a.inject({ url: '/fast' });
    await a.inject({ url: '/slow' });
    const logged = requestLines(lines);
    expect(logged.map((l) => [l.msg, l.url, l.level])).toEqual([
      ['request', '/fast', 20],
      ['request', '/slow', 20],
    ]);
    expect(logged[0]!.auditID).toBe(res.headers['audit-id']);
    await a.close();
  });
});
