/**
 * The storage conformance suite: every backend runs it (`runStorageConformance`), so the registry can rely
 * on one behaviour whatever keeps the bytes. It asserts what Kubernetes promises, modelled on upstream's
 * `storage/testing/store_tests.go` and `watcher_tests.go`, not how a backend numbers its writes:
 * resourceVersions are opaque, strictly increasing per write, and kept by a no-op update; an etcd revision,
 * shared by every key and every replica, is as valid as a counter. The consistency cases (snapshots,
 * compaction, races) are in `consistency.ts`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../interfaces.js';
import { readRaw } from '../raw-items.js';
import { runConsistencyCases } from './consistency.js';
import { code, obj, rv, type StorageFactory, type StorageFixture, take } from './fixtures.js';

export type { StorageFactory, StorageFixture } from './fixtures.js';

export function runStorageConformance(name: string, factory: StorageFactory): void {
  describe(`storage conformance: ${name}`, () => {
    let fx: StorageFixture;
    let s: Storage;
    beforeEach(async () => {
      fx = await factory();
      s = fx.storage;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    it('creates, gets, updates and deletes, each write with a newer resourceVersion', async () => {
      const a = await s.create('/g/things/ns/a', obj('a'));
      expect(a.metadata.resourceVersion).toMatch(/^\d+$/);
      expect((await s.get('/g/things/ns/a')).metadata).toMatchObject({ name: 'a', resourceVersion: a.metadata.resourceVersion });
      const b = await s.update('/g/things/ns/a', (cur) => ({ ...cur, spec: { x: 1 } }));
      expect(rv(b)).toBeGreaterThan(rv(a));
      const d = await s.delete('/g/things/ns/a');
      expect(rv(d)).toBeGreaterThan(rv(b));
      expect(await s.currentResourceVersion()).toBe(rv(d));
      await expect(s.get('/g/things/ns/a')).rejects.toSatisfy((e) => code(e) === 'NotFound');
    });

    it('orders writes to different keys by resourceVersion too', async () => {
      const first = await s.create('/g/things/ns/a', obj('a'));
      const second = await s.create('/g/other/ns/b', obj('b'));
      expect(rv(second)).toBeGreaterThan(rv(first));
    });

    it('refuses a second create and updates or deletes of missing keys', async () => {
      await s.create('/g/things/ns/a', obj('a'));
      await expect(s.create('/g/things/ns/a', obj('a'))).rejects.toSatisfy((e) => code(e) === 'AlreadyExists');
      await expect(s.update('/g/things/ns/x', (c) => c)).rejects.toSatisfy((e) => code(e) === 'NotFound');
      await expect(s.delete('/g/things/ns/x')).rejects.toSatisfy((e) => code(e) === 'NotFound');
    });

    it('writes nothing for a no-op update and keeps the resourceVersion', async () => {
      const a = await s.create('/g/things/ns/a', obj('a'));
      const same = await s.update('/g/things/ns/a', (c) => c);
      expect(same.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
      expect(await s.currentResourceVersion()).toBe(rv(a));
    });

    it('propagates errors thrown by the update function and the delete precondition, changing nothing', async () => {
      const a = await s.create('/g/things/ns/a', obj('a'));
      await expect(
        s.update('/g/things/ns/a', () => {
          throw new Error('nope');
        }),
      ).rejects.toThrow('nope');
      await expect(
        s.delete('/g/things/ns/a', () => {
          throw new Error('held');
        }),
      ).rejects.toThrow('held');
      expect((await s.get('/g/things/ns/a')).metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    });

    it('lists by prefix in key order, pages with startAfter and limit, counts what remains', async () => {
      for (const n of ['c', 'a', 'b', 'd']) await s.create(`/g/things/ns/${n}`, obj(n));
      await s.create('/g/things-other/ns/z', obj('z'));
      const all = await s.list('/g/things/');
      expect(all.items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c', 'd']);
      expect(all.resourceVersion).toBe(await s.currentResourceVersion());
      const page = await s.list('/g/things/', { limit: 2 });
      expect(page.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
      expect(page.remainingItemCount).toBe(2);
      const rest = await s.list('/g/things/', { limit: 2, startAfter: page.lastKey });
      expect(rest.items.map((o) => o.metadata.name)).toEqual(['c', 'd']);
      expect(rest.lastKey).toBeUndefined();
    });

    it('gets raw JSON text equal to the object, and NotFound alike', async () => {
      const created = await s.create('/g/things/ns/raw', obj('raw'));
      expect(JSON.parse(await s.getRaw('/g/things/ns/raw'))).toEqual(created);
      await expect(s.getRaw('/g/things/ns/none')).rejects.toSatisfy((e) => code(e) === 'NotFound');
    });

    it('lists raw JSON text equal to the objects, pages included', async () => {
      for (const n of ['a', 'b', 'c']) await s.create(`/g/things/ns/${n}`, obj(n));
      const objects = await s.list('/g/things/', { limit: 2 });
      const raw = await s.list('/g/things/', { limit: 2, raw: true });
      expect(raw.items).toEqual([]);
      expect((await readRaw(raw.rawItems)).map((j) => JSON.parse(j))).toEqual(objects.items);
      expect([raw.lastKey, raw.remainingItemCount]).toEqual([objects.lastKey, objects.remainingItemCount]);
    });

    it('filters lists with a predicate, limit counting matches only', async () => {
      for (let i = 0; i < 6; i++) await s.create(`/g/things/ns/o${i}`, obj(`o${i}`, { even: String(i % 2 === 0) }));
      const page = await s.list('/g/things/', { limit: 2, predicate: (o) => o.metadata.labels?.even === 'true' });
      expect(page.items.map((o) => o.metadata.name)).toEqual(['o0', 'o2']);
      expect(page.lastKey).toBe('/g/things/ns/o2');
      expect(page.remainingItemCount).toBeUndefined();
    });

    it('delivers events after a resourceVersion, from history and then live, each with its own resourceVersion', async () => {
      const a = await s.create('/g/things/ns/a', obj('a'));
      const b = await s.create('/g/things/ns/b', obj('b'));
      const w = await s.watch('/g/things/', { resourceVersion: rv(a) });
      const modified = await s.update('/g/things/ns/a', (c) => ({ ...c, spec: { x: 1 } }));
      const deleted = await s.delete('/g/things/ns/b');
      const evs = await take(w, 3);
      w.stop();
      expect(evs.map((e) => `${e.type} ${e.object.metadata.name} ${e.resourceVersion}`)).toEqual([
        `ADDED b ${rv(b)}`,
        `MODIFIED a ${rv(modified)}`,
        `DELETED b ${rv(deleted)}`,
      ]);
      expect(evs[2]?.object.metadata.resourceVersion).toBe(deleted.metadata.resourceVersion);
    });

    it('turns selection changes into ADDED and DELETED for a predicate watch', async () => {
      await s.create('/g/things/ns/a', obj('a', { color: 'red' }));
      const w = await s.watch('/g/things/', {
        resourceVersion: await s.currentResourceVersion(),
        predicate: (o) => o.metadata.labels?.color === 'blue',
      });
      await s.update('/g/things/ns/a', (c) => ({ ...c, metadata: { ...c.metadata, labels: { color: 'blue' } } }));
      await s.update('/g/things/ns/a', (c) => ({ ...c, spec: { y: 1 } }));
      await s.update('/g/things/ns/a', (c) => ({ ...c, metadata: { ...c.metadata, labels: { color: 'green' } } }));
      const evs = await take(w, 3);
      w.stop();
      expect(evs.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    });

    it('reports as progress the writes a watch filtered out, and none while events wait', async () => {
      const w = await s.watch('/g/things/', {
        resourceVersion: await s.currentResourceVersion(),
        predicate: (o) => o.metadata.labels?.color === 'blue',
      });
      const red = await s.create('/g/things/ns/red', obj('red', { color: 'red' }));
      await s.waitForResourceVersion(rv(red), 2000);
      expect(w.progress()).toBe(rv(red));
      const blue = await s.create('/g/things/ns/blue', obj('blue', { color: 'blue' }));
      await s.waitForResourceVersion(rv(blue), 2000);
      expect(w.progress()).toBe(0);
      expect((await take(w, 1))[0]?.resourceVersion).toBe(rv(blue));
      expect(w.progress()).toBe(rv(blue));
      w.stop();
    });

    it('ends a watch whose caller has gone', async () => {
      const gone = new AbortController();
      const w = await s.watch('/g/things/', { resourceVersion: await s.currentResourceVersion(), signal: gone.signal });
      const next = w.next();
      gone.abort();
      expect(await next).toBeUndefined();
    });

    it('keeps objects, the resourceVersion and the event history across a reopen', async () => {
      const a = await s.create('/g/things/ns/a', obj('a'));
      const b = await s.create('/g/things/ns/b', obj('b'));
      s = await fx.reopen();
      expect(await s.currentResourceVersion()).toBe(rv(b));
      expect((await s.list('/g/things/')).items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
      const w = await s.watch('/g/things/', { resourceVersion: rv(a) });
      expect((await take(w, 1)).map((e) => e.object.metadata.name)).toEqual(['b']);
      w.stop();
      expect(rv(await s.create('/g/things/ns/c', obj('c')))).toBeGreaterThan(rv(b));
    });

    it('waits for a resourceVersion until a write reaches it, or reports that none did in time', async () => {
      const target = (await s.currentResourceVersion()) + 1;
      const reached = s.waitForResourceVersion(target, 2000);
      await s.create('/g/things/ns/later', obj('later'));
      expect(await reached).toBe(true);
      expect(await s.waitForResourceVersion(target, 10)).toBe(true);
      expect(await s.waitForResourceVersion((await s.currentResourceVersion()) + 1_000_000, 50)).toBe(false);
    });

    it('forgets its history on demand: older resourceVersions are Expired, across a reopen too, and newer ones served', async () => {
      const a = await s.create('/g/things/ns/a', obj('a'));
      await s.create('/g/things/ns/b', obj('b'));
      await s.forgetHistory();
      const now = await s.currentResourceVersion();
      await expect(s.watch('/g/things/', { resourceVersion: rv(a) })).rejects.toSatisfy((e) => code(e) === 'Expired');
      await expect(s.list('/g/things/', { resourceVersion: rv(a) })).rejects.toSatisfy((e) => code(e) === 'Expired');
      s = await fx.reopen();
      await expect(s.watch('/g/things/', { resourceVersion: rv(a) })).rejects.toSatisfy((e) => code(e) === 'Expired');
      const w = await s.watch('/g/things/', { resourceVersion: now });
      const c = await s.create('/g/things/ns/c', obj('c'));
      expect((await take(w, 1)).map((e) => e.resourceVersion)).toEqual([rv(c)]);
      w.stop();
      expect((await s.list('/g/things/')).items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
    });

    it('reports itself healthy while open', () => {
      expect(s.health()).toBeUndefined();
    });

    runConsistencyCases(() => s, factory);
  });
}
