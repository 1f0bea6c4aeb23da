import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelStorage } from '../../storage/level/index.js';
import { builtinDefinitionsPath, loadDefinitions } from '../definitions/load.js';
import { CONTINUE_EXPIRED_MESSAGE, decodeContinue } from './continue-token.js';
import { listObjects } from './list.js';
import { ResourceStore } from './resource-store.js';
import { resourceScope } from './scope.js';
import { startWatch } from './watch.js';

describe('resourceVersions older than the retained history', () => {
  const dir = mkdtempSync(join(tmpdir(), 'expired-'));
  const storage = new LevelStorage({ path: dir, historySize: 3 });
  let store: ResourceStore;
  let scope: ReturnType<typeof resourceScope>;
  const opts = () => ({ dryRun: false, fieldValidation: 'Strict' as const, warnings: [] });
  const create = (name: string) => store.create(scope, 'ns', { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name }, spec: {} }, opts());

  beforeAll(async () => {
    await storage.open();
    const [flunders] = await loadDefinitions([builtinDefinitionsPath()]);
    if (!flunders) throw new Error('no flunders');
    store = new ResourceStore(flunders, storage);
    scope = resourceScope(flunders, flunders.versions[0] as (typeof flunders.versions)[0]);
    for (const n of ['a', 'b', 'c']) await create(n);
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a compacted continue token with 410 Expired and a token to go on inconsistently', async () => {
    const first = await listObjects(store, scope, { namespace: 'ns', limit: 1 });
    for (const n of ['d', 'e', 'f', 'g']) await create(n);
    const err = await listObjects(store, scope, { namespace: 'ns', limit: 1, continueToken: first.metadata.continue }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: { code: 410, reason: 'Expired', message: CONTINUE_EXPIRED_MESSAGE } });
    const next = (err as { status: { metadata: { continue: string } } }).status.metadata.continue;
    expect(decodeContinue(next)).toEqual({ resourceVersion: -1, startAfter: 'a' });
    const rest = await listObjects(store, scope, { namespace: 'ns', continueToken: next });
    expect(rest.items.map((o) => o.metadata.name)).toEqual(['b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('answers a watch from a compacted resourceVersion with 410 "too old resource version"', async () => {
    await expect(startWatch(store, scope, { namespace: 'ns', resourceVersion: '1' }))
      .rejects.toMatchObject({ status: { code: 410, reason: 'Expired', message: `too old resource version: 1 (${storage.oldestResourceVersion()})` } });
  });
});
