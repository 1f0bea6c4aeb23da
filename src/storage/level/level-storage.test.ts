import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../apimachinery/types.js';
import { StorageError } from '../interfaces.js';
import { readRaw } from '../raw-items.js';
import { runStorageConformance } from '../testing/conformance.js';
import { INDEX, META_LAYOUT } from './layout.js';
import { LevelStorage, type LevelStorageOptions } from './level-storage.js';

/**
 * The suite with the default caches (bodies and events mostly in memory), with no body cache (every body read
 * from disk) and with no event text in memory (every event a watch replays or a snapshot undoes read back).
 */
for (const [name, cache] of [
  ['LevelDB', {}],
  ['LevelDB, every body read from disk', { objectCacheBytes: 0 }],
  ['LevelDB, every event read back from disk', { historyHotBytes: 0 }],
] as [string, Partial<LevelStorageOptions>][]) {
  runStorageConformance(name, async (opts = {}) => {
    const path = mkdtempSync(join(tmpdir(), 'level-conf-'));
    let storage = new LevelStorage({ path, ...cache, ...opts });
    await storage.open();
    return {
      storage,
      reopen: async () => {
        await storage.close();
        storage = new LevelStorage({ path, ...cache, ...opts });
        await storage.open();
        return storage;
      },
      cleanup: async () => {
        await storage.close();
        rmSync(path, { recursive: true, force: true });
      },
    };
  });
}

/** Runs `test` on a store in a directory of its own, closed and removed afterwards whatever happens. */
async function withStore(prefix: string, opts: Partial<LevelStorageOptions>, test: (s: LevelStorage) => Promise<void>): Promise<void> {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const s = new LevelStorage({ path, ...opts });
  await s.open();
  try {
    await test(s);
  } finally {
    await s.close();
    rmSync(path, { recursive: true, force: true });
  }
}

const thing = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'g/v1',
  kind: 'T',
  metadata: { name },
  spec,
});

describe('LevelStorage bodies on disk', () => {
  for (const [cache, opts] of [
    ['every body read from disk', { objectCacheBytes: 0 }],
    ['bodies cached', {}],
  ] as [string, Partial<LevelStorageOptions>][]) {
    it(`streams a list from its snapshot, ${cache}: writes made while it is read, or in flight when it began, do not show`, async () => {
      await withStore('level-snap', opts, async (s) => {
        const key = (i: number): string => `/g/r/ns/o${String(i).padStart(4, '0')}`;
        for (let i = 0; i < 1200; i++) await s.create(key(i), thing(`o${i}`, { v: 0 }));
        // A write enqueued but not committed when the list is taken: the disk may hold it before the list reads.
        const inFlight = s.update(key(5), (cur) => ({ ...cur, spec: { v: 2 } }));
        const listed = await s.list('/g/r/', { raw: true });
        await inFlight;
        expect(listed.rawItems?.length).toBe(1200);
        // Every seventh object changes, some go and new ones come, before the list's chunks are read.
        for (let i = 0; i < 1200; i += 7) await s.update(key(i), (cur) => ({ ...cur, spec: { v: 1 } }));
        for (let i = 3; i < 1200; i += 11) await s.delete(key(i));
        for (let i = 1200; i < 1300; i++) await s.create(key(i), thing(`o${i}`, { v: 1 }));
        const items = (await readRaw(listed.rawItems)).map((j) => JSON.parse(j) as KubeObject);
        expect(items.map((o) => o.metadata.name)).toEqual(Array.from({ length: 1200 }, (_, i) => `o${i}`));
        expect(items.every((o) => (o.spec as { v: number }).v === 0 && Number(o.metadata.resourceVersion) <= listed.resourceVersion)).toBe(
          true,
        );
        // The same list at that resourceVersion, read now, agrees (the history undoes the newer writes).
        const again = await s.list('/g/r/', { resourceVersion: listed.resourceVersion });
        expect(again.items).toEqual(items);
      });
    });
  }

  it('keeps no more bodies in memory than objectCacheBytes', async () => {
    const path = mkdtempSync(join(tmpdir(), 'level-cache-'));
    const bound = 64 * 1024;
    const s = new LevelStorage({ path, objectCacheBytes: bound, historySize: 10 });
    await s.open();
    try {
      const pad = 'x'.repeat(1000);
      for (let i = 0; i < 300; i++) await s.create(`/g/r/ns/o${i}`, thing(`o${i}`, { pad }));
      for (let i = 0; i < 300; i++) expect((await s.get(`/g/r/ns/o${i}`)).metadata.name).toBe(`o${i}`);
      const bodies = (s as unknown as { index: { bodies: { cachedBytes: number } } }).index.bodies;
      expect(bodies.cachedBytes).toBeGreaterThan(0);
      expect(bodies.cachedBytes).toBeLessThanOrEqual(bound);
    } finally {
      await s.close();
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('opens a store of the first layout (no index entries), building its index once', async () => {
    const path = mkdtempSync(join(tmpdir(), 'level-layout-'));
    const first = new LevelStorage({ path });
    await first.open();
    for (let i = 0; i < 30; i++) await first.create(`/g/r/ns/o${i}`, thing(`o${i}`));
    await first.update('/g/r/ns/o3', (cur) => ({ ...cur, spec: { v: 3 } }));
    await first.close();
    // What the first release left on disk: objects and events, no `i/` and no layout mark.
    const raw = new Level<string, string>(path);
    await raw.clear({ gte: INDEX, lt: `${INDEX}\uffff` });
    await raw.del(META_LAYOUT);
    await raw.close();
    const reopened = new LevelStorage({ path, objectCacheBytes: 0 });
    await reopened.open();
    try {
      const listed = await reopened.list('/g/r/');
      expect(listed.items).toHaveLength(30);
      expect((await reopened.get('/g/r/ns/o3')).metadata.resourceVersion).toBe('31');
      const updated = await reopened.update('/g/r/ns/o3', (cur) => ({ ...cur, spec: { v: 4 } }));
      expect(updated.metadata.resourceVersion).toBe('32');
    } finally {
      await reopened.close();
    }
    const check = new Level<string, string>(path);
    try {
      expect(await check.get(META_LAYOUT)).toBe('2');
      expect(await check.get(`${INDEX}/g/r/ns/o3`)).toBe('32');
    } finally {
      await check.close();
      rmSync(path, { recursive: true, force: true });
    }
  });
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
    await withStore('level-compact', { historySize: 5 }, async (s) => {
      for (let i = 0; i < 10; i++) await s.create(`/g/r/ns/o${i}`, { apiVersion: 'g/v1', kind: 'T', metadata: { name: `o${i}` } });
      expect(await s.oldestResourceVersion()).toBe(5);
      await expect(s.watch('/g/r/', { resourceVersion: 2 })).rejects.toThrow(StorageError);
      await expect(s.list('/g/r/', { resourceVersion: 3 })).rejects.toSatisfy((e) => e instanceof StorageError && e.code === 'Expired');
      const w = await s.watch('/g/r/', { resourceVersion: 5 });
      expect((await w.next())?.resourceVersion).toBe(6);
      w.stop();
    });
  });

  it('replays a watch and undoes a snapshot of one resource from events read back from disk, whatever other resources wrote', async () => {
    await withStore('level-cold', { historyHotBytes: 0 }, async (s) => {
      const a = await s.create('/g/a/ns/x', thing('x', { n: 1 }));
      await s.create('/g/b/ns/y', thing('y'));
      await s.update('/g/a/ns/x', (o) => ({ ...o, spec: { n: 2 } }));
      await s.create('/g/b/ns/z', thing('z'));
      const w = await s.watch('/g/a/', { resourceVersion: Number(a.metadata.resourceVersion) - 1 });
      expect((await w.next())?.type).toBe('ADDED');
      const modified = await w.next();
      expect([modified?.type, modified?.object.spec]).toEqual(['MODIFIED', { n: 2 }]);
      w.stop();
      const then = await s.list('/g/a/', { resourceVersion: Number(a.metadata.resourceVersion) });
      expect(then.items.map((o) => o.spec)).toEqual([{ n: 1 }]);
    });
  });

  it('ends a watch that joins while the store closes (it was reading old events from disk)', async () => {
    const path = mkdtempSync(join(tmpdir(), 'level-closing-'));
    const s = new LevelStorage({ path, historyHotBytes: 0 });
    await s.open();
    try {
      await s.create('/g/a/ns/x', thing('x'));
      const joining = s.watch('/g/a/', { resourceVersion: 0 });
      await s.close();
      // Ended (or refused, had the read found LevelDB closed), not left waiting for events that never come.
      const w = await joining.catch(() => undefined);
      if (w) expect(await w.next()).toBeUndefined();
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('gives 500 concurrent creates 500 distinct resourceVersions, all durable', async () => {
    await withStore('level-group', {}, async (s) => {
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, i) => s.create(`/g/r/ns/o${i}`, { apiVersion: 'g/v1', kind: 'T', metadata: { name: `o${i}` } })),
      );
      expect(new Set(results.map((r) => r.metadata.resourceVersion)).size).toBe(500);
      expect(await s.currentResourceVersion()).toBe(500);
    });
  });

  it('bounds its history by bytes: many updates of a large object never hold more than the bound', async () => {
    await withStore('level-bytes', { historyBytes: 64 * 1024 }, async (s) => {
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
    });
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
