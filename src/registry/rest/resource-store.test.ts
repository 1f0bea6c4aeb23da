import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LevelStorage } from '../../storage/level/index.js';
import { builtinDefinitionsPath, loadDefinitions } from '../definitions/load.js';
import { ResourceStore } from './resource-store.js';
import { resourceScope } from './scope.js';

// Generated names come from a fixed sequence here, so a collision can be made on purpose.
const names = vi.hoisted(() => ({ queue: [] as string[] }));
vi.mock('../metadata/validate-object-meta.js', async (original) => ({
  ...(await original<typeof import('../metadata/validate-object-meta.js')>()),
  generateName: (prefix: string) => prefix + (names.queue.shift() ?? 'zzzzz'),
}));

describe('ResourceStore.create with generateName', () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const storage = new LevelStorage({ path: dir });
  let store: ResourceStore;
  let scope: ReturnType<typeof resourceScope>;
  const opts = () => ({ dryRun: false, fieldValidation: 'Strict' as const, warnings: [] });
  const body = { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { generateName: 'g-' }, spec: {} };

  beforeAll(async () => {
    await storage.open();
    const [flunders] = await loadDefinitions([builtinDefinitionsPath()]);
    if (!flunders) throw new Error('no flunders');
    store = new ResourceStore(flunders, storage);
    scope = resourceScope(flunders, flunders.versions[0] as (typeof flunders.versions)[0]);
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates a new name when the generated one is taken', async () => {
    names.queue.push('aaaaa');
    expect((await store.create(scope, 'ns', body, opts())).metadata.name).toBe('g-aaaaa');
    names.queue.push('aaaaa', 'bbbbb');
    expect((await store.create(scope, 'ns', body, opts())).metadata.name).toBe('g-bbbbb');
  });

  it('gives up with 409 AlreadyExists after 8 taken names, and never retries a name the client chose', async () => {
    names.queue.push(...Array(8).fill('aaaaa'));
    await expect(store.create(scope, 'ns', body, opts())).rejects.toMatchObject({ status: { code: 409, reason: 'AlreadyExists' } });
    await expect(store.create(scope, 'ns', { ...body, metadata: { name: 'g-aaaaa' } }, opts())).rejects.toMatchObject({ status: { reason: 'AlreadyExists' } });
  });
});
