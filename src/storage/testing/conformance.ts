/**
 * The storage conformance suite: every backend runs it (`runStorageConformance`), so the registry can rely
 * on one behaviour whatever keeps the bytes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../apimachinery/types.js';
import { type Storage, StorageError, type StorageEvent, type Watch } from '../interfaces.js';

export interface StorageFixture {
  storage: Storage;
  /** Closes the store and opens it again on the same data. */
  reopen: () => Promise<Storage>;
  cleanup: () => Promise<void>;
}

const obj = (name: string, labels: Record<string, string> = {}, spec: unknown = {}): KubeObject => ({
  apiVersion: 'g/v1', kind: 'Thing', metadata: { name, namespace: 'ns', labels }, spec,
});

const code = (err: unknown): string | undefined => (err instanceof StorageError ? err.code : undefined);

async function take(w: Watch, n: number, timeoutMs = 2000): Promise<StorageEvent[]> {
  const out: StorageEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n && Date.now() < deadline) {
    const ev = await Promise.race([w.next(), new Promise<undefined>((r) => setTimeout(() => r(undefined), deadline - Date.now()))]);
    if (!ev) break;
    out.push(ev);
  }
  return out;
}

export function runStorageConformance(name: string, factory: () => Promise<StorageFixture>): void {
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

    it('creates, gets, updates and deletes with one monotonic resourceVersion', async () => {
      const a = await s.create('/g/things/ns/a', obj('a'));
      expect(a.metadata.resourceVersion).toBe('1');
      expect((await s.get('/g/things/ns/a')).metadata.name).toBe('a');
      const b = await s.update('/g/things/ns/a', (cur) => ({ ...cur, spec: { x: 1 } }));
      expect(b.metadata.resourceVersion).toBe('2');
      const d = await s.delete('/g/things/ns/a');
      expect(d.metadata.resourceVersion).toBe('3');
      expect(s.currentResourceVersion()).toBe(3);
      await expect(s.get('/g/things/ns/a')).rejects.toSatisfy((e) => code(e) === 'NotFound');
    });

    it('refuses a second create and updates or deletes of missing keys', async () => {
      await s.create('/g/things/ns/a', obj('a'));
      await expect(s.create('/g/things/ns/a', obj('a'))).rejects.toSatisfy((e) => code(e) === 'AlreadyExists');
      await expect(s.update('/g/things/ns/x', (c) => c)).rejects.toSatisfy((e) => code(e) === 'NotFound');
      await expect(s.delete('/g/things/ns/x')).rejects.toSatisfy((e) => code(e) === 'NotFound');
    });

    it('writes nothing for a no-op update and keeps the resourceVersion', async () => {
      await s.create('/g/things/ns/a', obj('a'));
      const same = await s.update('/g/things/ns/a', (c) => c);
      expect(same.metadata.resourceVersion).toBe('1');
      expect(s.currentResourceVersion()).toBe(1);
    });

    it('propagates errors thrown by the update function and the delete precondition, changing nothing', async () => {
      await s.create('/g/things/ns/a', obj('a'));
      await expect(s.update('/g/things/ns/a', () => { throw new Error('nope'); })).rejects.toThrow('nope');
      await expect(s.delete('/g/things/ns/a', () => { throw new Error('held'); })).rejects.toThrow('held');
      expect((await s.get('/g/things/ns/a')).metadata.resourceVersion).toBe('1');
    });

    it('lists by prefix in key order, pages with startAfter and limit, counts what remains', async () => {
      for (const n of ['c', 'a', 'b', 'd']) await s.create(`/g/things/ns/${n}`, obj(n));
      await s.create('/g/things-other/ns/z', obj('z'));
      const all = await s.list('/g/things/');
      expect(all.items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c', 'd']);
      const page = await s.list('/g/things/', { limit: 2 });
      expect(page.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
      expect(page.remainingItemCount).toBe(2);
      const rest = await s.list('/g/things/', { limit: 2, startAfter: page.lastKey });
      expect(rest.items.map((o) => o.metadata.name)).toEqual(['c', 'd']);
      expect(rest.lastKey).toBeUndefined();
    });

    it('lists raw JSON text equal to the objects, pages included', async () => {
      for (const n of ['a', 'b', 'c']) await s.create(`/g/things/ns/${n}`, obj(n));
      const objects = await s.list('/g/things/', { limit: 2 });
      const raw = await s.list('/g/things/', { limit: 2, raw: true });
      expect(raw.items).toEqual([]);
      expect(raw.rawItems?.map((j) => JSON.parse(j))).toEqual(objects.items);
      expect([raw.lastKey, raw.remainingItemCount]).toEqual([objects.lastKey, objects.remainingItemCount]);
    });

    it('lists a consistent snapshot at an older resourceVersion', async () => {
      await s.create('/g/things/ns/a', obj('a'));
      await s.create('/g/things/ns/b', obj('b'));
      const at = s.currentResourceVersion();
      await s.update('/g/things/ns/a', (c) => ({ ...c, spec: { changed: true } }));
      await s.delete('/g/things/ns/b');
      await s.create('/g/things/ns/c', obj('c'));
      const then = await s.list('/g/things/', { resourceVersion: at });
      expect(then.items.map((o) => [o.metadata.name, o.spec])).toEqual([['a', {}], ['b', {}]]);
      expect(then.resourceVersion).toBe(at);
    });

    it('filters lists with a predicate, limit counting matches only', async () => {
      for (let i = 0; i < 6; i++) await s.create(`/g/things/ns/o${i}`, obj(`o${i}`, { even: String(i % 2 === 0) }));
      const page = await s.list('/g/things/', { limit: 2, predicate: (o) => o.metadata.labels?.even === 'true' });
      expect(page.items.map((o) => o.metadata.name)).toEqual(['o0', 'o2']);
      expect(page.lastKey).toBe('/g/things/ns/o2');
      expect(page.remainingItemCount).toBeUndefined();
    });

    it('delivers events after a resourceVersion, from history and then live', async () => {
      await s.create('/g/things/ns/a', obj('a'));
      const from = s.currentResourceVersion();
      await s.create('/g/things/ns/b', obj('b'));
      const w = s.watch('/g/things/', { resourceVersion: from });
      await s.update('/g/things/ns/a', (c) => ({ ...c, spec: { x: 1 } }));
      await s.delete('/g/things/ns/b');
      const evs = await take(w, 3);
      w.stop();
      expect(evs.map((e) => `${e.type} ${e.object.metadata.name} ${e.resourceVersion}`)).toEqual(['ADDED b 2', 'MODIFIED a 3', 'DELETED b 4']);
      expect(evs[2]?.object.metadata.resourceVersion).toBe('4');
    });

    it('turns selection changes into ADDED and DELETED for a predicate watch', async () => {
      await s.create('/g/things/ns/a', obj('a', { color: 'red' }));
      const w = s.watch('/g/things/', { resourceVersion: s.currentResourceVersion(), predicate: (o) => o.metadata.labels?.color === 'blue' });
      await s.update('/g/things/ns/a', (c) => ({ ...c, metadata: { ...c.metadata, labels: { color: 'blue' } } }));
      await s.update('/g/things/ns/a', (c) => ({ ...c, spec: { y: 1 } }));
      await s.update('/g/things/ns/a', (c) => ({ ...c, metadata: { ...c.metadata, labels: { color: 'green' } } }));
      const evs = await take(w, 3);
      w.stop();
      expect(evs.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    });

    it('serializes concurrent updates of one key: none is lost', async () => {
      await s.create('/g/things/ns/n', { ...obj('n'), spec: { count: 0 } });
      await Promise.all(Array.from({ length: 50 }, () => s.update('/g/things/ns/n', (c) => ({
        ...c, spec: { count: (c.spec as { count: number }).count + 1 },
      }))));
      expect(((await s.get('/g/things/ns/n')).spec as { count: number }).count).toBe(50);
      expect(s.currentResourceVersion()).toBe(51);
    });

    it('keeps objects, the resourceVersion and the event history across a reopen', async () => {
      await s.create('/g/things/ns/a', obj('a'));
      const from = s.currentResourceVersion();
      await s.create('/g/things/ns/b', obj('b'));
      s = await fx.reopen();
      expect(s.currentResourceVersion()).toBe(2);
      expect((await s.list('/g/things/')).items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
      const w = s.watch('/g/things/', { resourceVersion: from });
      expect((await take(w, 1)).map((e) => e.object.metadata.name)).toEqual(['b']);
      w.stop();
      expect((await s.create('/g/things/ns/c', obj('c'))).metadata.resourceVersion).toBe('3');
    });

    it('waits for a resourceVersion until a write reaches it, or reports that none did in time', async () => {
      const target = s.currentResourceVersion() + 1;
      const reached = s.waitForResourceVersion(target, 2000);
      await s.create('/g/things/ns/later', obj('later'));
      expect(await reached).toBe(true);
      expect(await s.waitForResourceVersion(target, 10)).toBe(true);
      expect(await s.waitForResourceVersion(s.currentResourceVersion() + 5, 50)).toBe(false);
    });

    it('reports itself healthy while open', () => {
      expect(s.health()).toBeUndefined();
    });
  });
}
