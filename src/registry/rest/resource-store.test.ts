import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FlunderStore, openFlunderStore, strictWrite } from './testing/flunder-store.js';

// Generated names come from a fixed sequence here, so a collision can be made on purpose.
const names = vi.hoisted(() => ({ queue: [] as string[] }));
vi.mock('../metadata/generate-name.js', () => ({
  generateName: (prefix: string) => prefix + (names.queue.shift() ?? 'zzzzz'),
}));

describe('ResourceStore.create with generateName', () => {
  let fx: FlunderStore;
  const opts = strictWrite;
  const body = { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { generateName: 'g-' }, spec: {} };

  beforeAll(async () => {
    fx = await openFlunderStore();
  });
  afterAll(() => fx.close());

  it('generates a new name when the generated one is taken', async () => {
    names.queue.push('aaaaa');
    expect((await fx.store.create(fx.scope, 'ns', body, opts())).metadata.name).toBe('g-aaaaa');
    names.queue.push('aaaaa', 'bbbbb');
    expect((await fx.store.create(fx.scope, 'ns', body, opts())).metadata.name).toBe('g-bbbbb');
  });

  it('gives up with 409 AlreadyExists after 8 taken names, and never retries a name the client chose', async () => {
    names.queue.push(...Array(8).fill('aaaaa'));
    await expect(fx.store.create(fx.scope, 'ns', body, opts())).rejects.toMatchObject({ status: { code: 409, reason: 'AlreadyExists' } });
    await expect(fx.store.create(fx.scope, 'ns', { ...body, metadata: { name: 'g-aaaaa' } }, opts())).rejects.toMatchObject({
      status: { reason: 'AlreadyExists' },
    });
  });
});
