import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTINUE_EXPIRED_MESSAGE, decodeContinue } from './continue-token.js';
import { listObjects } from './list.js';
import { type FlunderStore, openFlunderStore, strictWrite } from './testing/flunder-store.js';
import { startWatch } from './watch.js';

describe('resourceVersions older than the retained history', () => {
  let fx: FlunderStore;
  const create = (name: string) =>
    fx.store.create(
      fx.scope,
      'ns',
      { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name }, spec: {} },
      strictWrite(),
    );

  beforeAll(async () => {
    fx = await openFlunderStore({ historySize: 3 });
    for (const n of ['a', 'b', 'c']) await create(n);
  });
  afterAll(() => fx.close());

  it('answers a compacted continue token with 410 Expired and a token to go on inconsistently', async () => {
    const first = await listObjects(fx.store, fx.scope, { namespace: 'ns', limit: 1 });
    for (const n of ['d', 'e', 'f', 'g']) await create(n);
    const err = await listObjects(fx.store, fx.scope, { namespace: 'ns', limit: 1, continueToken: first.metadata.continue }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: { code: 410, reason: 'Expired', message: CONTINUE_EXPIRED_MESSAGE } });
    const next = (err as { status: { metadata: { continue: string } } }).status.metadata.continue;
    expect(decodeContinue(next)).toEqual({ resourceVersion: -1, startAfter: 'a' });
    const rest = await listObjects(fx.store, fx.scope, { namespace: 'ns', continueToken: next });
    expect(rest.items.map((o) => o.metadata.name)).toEqual(['b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('answers a watch from a compacted resourceVersion with 410 "too old resource version"', async () => {
    await expect(startWatch(fx.store, fx.scope, { namespace: 'ns', resourceVersion: '1' })).rejects.toMatchObject({
      status: { code: 410, reason: 'Expired', message: `too old resource version: 1 (${await fx.storage.oldestResourceVersion()})` },
    });
  });
});
