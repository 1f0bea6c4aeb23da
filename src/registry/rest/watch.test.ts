import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlunderStore, openFlunderStore, strictWrite } from './testing/flunder-store.js';
import { startWatch } from './watch.js';

describe('a watch that starts with the current state', () => {
  let fx: FlunderStore;
  beforeAll(async () => {
    fx = await openFlunderStore({});
    for (const n of ['a', 'b', 'c']) {
      await fx.store.create(
        fx.scope,
        'ns',
        { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name: n }, spec: {} },
        strictWrite(),
      );
    }
  });
  afterAll(() => fx.close());

  it('promises no resourceVersion until the state is all sent: a bookmark between its events would claim it was', async () => {
    const rv = await fx.storage.currentResourceVersion();
    const w = await startWatch(fx.store, fx.scope, { namespace: 'ns', sendInitialEvents: true });
    try {
      expect(w.progress()).toBe(0);
      for (const name of ['a', 'b', 'c']) {
        const ev = await w.next();
        expect(ev).toMatchObject({ type: 'ADDED', resourceVersion: 0, object: { metadata: { name } } });
        expect(w.progress()).toBe(0);
      }
      const end = await w.next();
      expect(end).toMatchObject({
        type: 'BOOKMARK',
        resourceVersion: rv,
        object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
      });
      expect(w.progress()).toBeGreaterThanOrEqual(rv);
    } finally {
      w.stop();
    }
  });
});
