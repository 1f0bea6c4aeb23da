import { describe, expect, it } from 'vitest';
import { DelegationHealth, kubeApiError } from './kube-client.js';

const status = (code: number, message: string): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message });

describe('kubeApiError', () => {
  it.each([
    ['a 403 Status body (text)', { code: 403, body: status(403, 'configmaps "x" is forbidden') }, 'configmaps "x" is forbidden; HINT'],
    ['a Status body already parsed', { code: 500, body: { message: 'etcdserver: leader changed' } }, 'etcdserver: leader changed'],
    ['a body that is not a Status', { code: 502, body: 'bad gateway' }, 'bad gateway'],
    ['no body at all', { code: 503 }, 'HTTP 503'],
  ])("keeps the kube-apiserver's own message from %s", (_name, err, message) => {
    const out = kubeApiError(Object.assign(new Error('HTTP-Code: ...\nHeaders: {...}'), err), 'HINT');
    expect(out.message).toBe(message);
    expect((out as { code?: number }).code).toBe(err.code);
  });

  it('passes a transport error through unchanged', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    expect(kubeApiError(err, 'HINT')).toBe(err);
  });
});

describe('DelegationHealth', () => {
  it('is unhealthy after a review that could not be sent, and healthy again once one is answered, even with an error', async () => {
    const health = new DelegationHealth();
    let fail: unknown;
    const review = health.track(async (x: number) => {
      if (fail) throw fail;
      return x;
    });
    expect(health.healthy()).toBe(true);
    fail = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(review(1)).rejects.toThrow(/ECONNREFUSED/);
    expect(health.healthy()).toBe(false);
    fail = Object.assign(new Error('forbidden'), { code: 403 });
    await expect(review(1)).rejects.toThrow(/forbidden/);
    expect(health.healthy()).toBe(true);
    fail = undefined;
    expect(await review(2)).toBe(2);
  });
});
