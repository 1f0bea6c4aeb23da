import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../interfaces.js';
import { runStorageConformance } from '../testing/conformance.js';
import { LevelStorage } from './level-storage.js';

runStorageConformance('LevelDB', async (opts = {}) => {
  const path = mkdtempSync(join(tmpdir(), 'level-conf-'));
  let storage = new LevelStorage({ path, ...opts });
  await storage.open();
  return {
    storage,
    reopen: async () => {
      await storage.close();
      storage = new LevelStorage({ path, ...opts });
      await storage.open();
      return storage;
    },
    cleanup: async () => {
      await storage.close();
      rmSync(path, { recursive: true, force: true });
    },
  };
});

describe('LevelStorage', () => {
  it('refuses a second open of the same data directory with a clear error', async () => {
    const path = mkdtempSync(join(tmpdir(), 'level-lock-'));
    const first = new LevelStorage({ path });
    await first.open();
    try {
      await expect(new LevelStorage({ path }).open()).rejects.toThrow(/in use by another process/);
    } finally {
      await first.close();
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('compacts history beyond its bound: older watches and snapshots get Expired', async () => {
    const path = mkdtempSync(join(tmpdir(), 'level-compact-'));
    const s = new LevelStorage({ path, historySize: 5 });
    await s.open();
    try {
      for (let i = 0; i < 10; i++) await s.create(`/g/r/ns/o${i}`, { apiVersion: 'g/v1', kind: 'T', metadata: { name: `o${i}` } });
      expect(await s.oldestResourceVersion()).toBe(5);
      await expect(s.watch('/g/r/', { resourceVersion: 2 })).rejects.toThrow(StorageError);
      await expect(s.list('/g/r/', { resourceVersion: 3 })).rejects.toSatisfy((e) => e instanceof StorageError && e.code === 'Expired');
      const w = await s.watch('/g/r/', { resourceVersion: 5 });
      expect((await w.next())?.resourceVersion).toBe(6);
      w.stop();
    } finally {
      await s.close();
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('gives 500 concurrent creates 500 distinct resourceVersions, all durable', async () => {
    const path = mkdtempSync(join(tmpdir(), 'level-group-'));
    const s = new LevelStorage({ path });
    await s.open();
    try {
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, i) => s.create(`/g/r/ns/o${i}`, { apiVersion: 'g/v1', kind: 'T', metadata: { name: `o${i}` } })),
      );
      expect(new Set(results.map((r) => r.metadata.resourceVersion)).size).toBe(500);
      expect(await s.currentResourceVersion()).toBe(500);
    } finally {
      await s.close();
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('bounds its history by bytes: many updates of a large object never hold more than the bound', async () => {
    const path = mkdtempSync(join(tmpdir(), 'level-bytes-'));
    const s = new LevelStorage({ path, historyBytes: 64 * 1024 });
    await s.open();
    try {
      const big = 'x'.repeat(8 * 1024);
      await s.create('/g/r/ns/big', { apiVersion: 'g/v1', kind: 'T', metadata: { name: 'big' }, spec: { v: 0, big } });
      for (let i = 1; i <= 50; i++) await s.update('/g/r/ns/big', (cur) => ({ ...cur, spec: { v: i, big } }));
      const history = (s as unknown as { history: { totalBytes: number; size: number } }).history;
      expect(history.totalBytes).toBeLessThanOrEqual(64 * 1024);
      expect(history.size).toBeGreaterThan(0);
      const oldest = await s.oldestResourceVersion();
      expect(oldest).toBeGreaterThan(40);
      await expect(s.watch('/g/r/', { resourceVersion: 10 })).rejects.toThrow(StorageError);
      const w = await s.watch('/g/r/', { resourceVersion: oldest });
      expect((await w.next())?.resourceVersion).toBe(oldest + 1);
      w.stop();
    } finally {
      await s.close();
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('loads no more history at start-up than its bounds allow, and compacts the rest on disk', async () => {
    const path = mkdtempSync(join(tmpdir(), 'level-reload-'));
    const wide = new LevelStorage({ path });
    await wide.open();
    for (let i = 0; i < 30; i++) await wide.create(`/g/r/ns/o${i}`, { apiVersion: 'g/v1', kind: 'T', metadata: { name: `o${i}` } });
    await wide.close();
    const narrow = new LevelStorage({ path, historySize: 10 });
    await narrow.open();
    try {
      expect(await narrow.oldestResourceVersion()).toBe(20);
      expect((await narrow.list('/g/r/', { resourceVersion: 20 })).items).toHaveLength(20);
      await expect(narrow.list('/g/r/', { resourceVersion: 19 })).rejects.toSatisfy(
        (e) => e instanceof StorageError && e.code === 'Expired',
      );
      expect((await narrow.list('/g/r/')).items).toHaveLength(30);
    } finally {
      await narrow.close();
    }
    const again = new LevelStorage({ path });
    await again.open();
    try {
      expect(await again.oldestResourceVersion()).toBe(20);
      const w = await again.watch('/g/r/', { resourceVersion: 20 });
      expect((await w.next())?.resourceVersion).toBe(21);
      w.stop();
    } finally {
      await again.close();
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('reports itself unhealthy once a write fails, and refuses writes from then on', async () => {
    const path = mkdtempSync(join(tmpdir(), 'level-fail-'));
    const s = new LevelStorage({ path });
    await s.open();
    try {
      expect(s.health()).toBeUndefined();
      // The disk goes away under the store: the next synced batch fails.
      await (s as unknown as { db: { close(): Promise<void> } }).db.close();
      await expect(s.create('/g/r/ns/a', { apiVersion: 'g/v1', kind: 'T', metadata: { name: 'a' } })).rejects.toSatisfy(
        (e) => e instanceof StorageError && e.code === 'Unavailable',
      );
      expect(s.health()).toMatch(/storage write failed/);
      await expect(s.get('/g/r/ns/a')).rejects.toSatisfy((e) => e instanceof StorageError && e.code === 'Unavailable');
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });
});
