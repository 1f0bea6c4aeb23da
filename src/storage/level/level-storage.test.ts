import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../interfaces.js';
import { runStorageConformance } from '../testing/conformance.js';
import { LevelStorage } from './level-storage.js';

runStorageConformance('LevelDB', async () => {
  const path = mkdtempSync(join(tmpdir(), 'level-conf-'));
  let storage = new LevelStorage({ path });
  await storage.open();
  return {
    storage,
    reopen: async () => {
      await storage.close();
      storage = new LevelStorage({ path });
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
      expect(s.oldestResourceVersion()).toBe(5);
      expect(() => s.watch('/g/r/', { resourceVersion: 2 })).toThrow(StorageError);
      await expect(s.list('/g/r/', { resourceVersion: 3 })).rejects.toSatisfy((e) => e instanceof StorageError && e.code === 'Expired');
      const w = s.watch('/g/r/', { resourceVersion: 5 });
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
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) =>
        s.create(`/g/r/ns/o${i}`, { apiVersion: 'g/v1', kind: 'T', metadata: { name: `o${i}` } })));
      expect(new Set(results.map((r) => r.metadata.resourceVersion)).size).toBe(500);
      expect(s.currentResourceVersion()).toBe(500);
    } finally {
      await s.close();
      rmSync(path, { recursive: true, force: true });
    }
  });
});
