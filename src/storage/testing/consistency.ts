/**
 * Conformance cases about consistency, as upstream's storage tests check them: lists at a resourceVersion
 * (and across compaction), paging that stays on one snapshot while others write, watches from a compacted
 * resourceVersion, and writes that race, which a backend shared by several replicas cannot serialize in
 * process: each must still see exactly one winner.
 */
import { describe, expect, it } from 'vitest';
import type { Storage } from '../interfaces.js';
import { code, obj, rv, type StorageFactory, take } from './fixtures.js';

export function runConsistencyCases(store: () => Storage, factory: StorageFactory): void {
  describe('consistency', () => {
    it('lists a consistent snapshot at an older resourceVersion', async () => {
      const s = store();
      await s.create('/g/things/ns/a', obj('a'));
      const b = await s.create('/g/things/ns/b', obj('b'));
      await s.update('/g/things/ns/a', (c) => ({ ...c, spec: { changed: true } }));
      await s.delete('/g/things/ns/b');
      await s.create('/g/things/ns/c', obj('c'));
      const then = await s.list('/g/things/', { resourceVersion: rv(b) });
      expect(then.items.map((o) => [o.metadata.name, o.spec])).toEqual([
        ['a', {}],
        ['b', {}],
      ]);
      expect(then.resourceVersion).toBe(rv(b));
    });

    it('pages one snapshot while others write: later pages see what the first page saw', async () => {
      const s = store();
      for (const n of ['a', 'b', 'c', 'd']) await s.create(`/g/things/ns/${n}`, obj(n));
      const first = await s.list('/g/things/', { limit: 2 });
      expect(first.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
      await Promise.all([
        s.delete('/g/things/ns/c'),
        s.update('/g/things/ns/d', (o) => ({ ...o, spec: { changed: true } })),
        s.create('/g/things/ns/bb', obj('bb')),
        s.create('/g/things/ns/e', obj('e')),
      ]);
      const rest = await s.list('/g/things/', { limit: 10, startAfter: first.lastKey, resourceVersion: first.resourceVersion });
      expect(rest.items.map((o) => [o.metadata.name, o.spec])).toEqual([
        ['c', {}],
        ['d', {}],
      ]);
      expect(rest.resourceVersion).toBe(first.resourceVersion);
    });

    it('answers Expired for a list or a watch older than the retained history, and serves the rest', async () => {
      const small = await factory({ historySize: 3 });
      const s = small.storage;
      try {
        const early = await s.create('/g/things/ns/o0', obj('o0'));
        let last = early;
        for (let i = 1; i < 8; i++) last = await s.create(`/g/things/ns/o${i}`, obj(`o${i}`));
        // etcd's history fills from its watch, which may trail the acknowledged writes.
        expect(await s.waitForResourceVersion(rv(last), 10_000)).toBe(true);
        const oldest = await s.oldestResourceVersion();
        expect(oldest).toBeGreaterThan(rv(early));
        await expect(s.list('/g/things/', { resourceVersion: rv(early) })).rejects.toSatisfy((e) => code(e) === 'Expired');
        await expect(s.watch('/g/things/', { resourceVersion: rv(early) })).rejects.toSatisfy((e) => code(e) === 'Expired');
        expect((await s.list('/g/things/', { resourceVersion: oldest })).items.length).toBeGreaterThan(0);
        const w = await s.watch('/g/things/', { resourceVersion: oldest });
        expect((await take(w, 1))[0]?.resourceVersion).toBeGreaterThan(oldest);
        w.stop();
      } finally {
        await small.cleanup();
      }
    });

    it('lets exactly one of two racing creates of a key win', async () => {
      const s = store();
      const results = await Promise.allSettled([
        s.create('/g/things/ns/x', obj('x', { by: 'one' })),
        s.create('/g/things/ns/x', obj('x', { by: 'two' })),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => code((r as PromiseRejectedResult).reason))).toEqual([
        'AlreadyExists',
      ]);
    });

    it('loses no update among many racing ones', async () => {
      const s = store();
      await s.create('/g/things/ns/n', { ...obj('n'), spec: { count: 0 } });
      await Promise.all(
        Array.from({ length: 50 }, () =>
          s.update('/g/things/ns/n', (c) => ({
            ...c,
            spec: { count: (c.spec as { count: number }).count + 1 },
          })),
        ),
      );
      expect(((await s.get('/g/things/ns/n')).spec as { count: number }).count).toBe(50);
    });

    it('checks a delete precondition against the object as it is when deleted, not as it was read', async () => {
      const s = store();
      const read = await s.create('/g/things/ns/p', obj('p'));
      const sameVersion = (cur: { metadata: { resourceVersion?: string } }): void => {
        if (cur.metadata.resourceVersion !== read.metadata.resourceVersion) throw new Error('precondition failed');
      };
      const [updated, deleted] = await Promise.allSettled([
        s.update('/g/things/ns/p', (c) => ({ ...c, spec: { changed: true } })),
        s.delete('/g/things/ns/p', sameVersion),
      ]);
      // Either the delete went first (and the update found nothing) or the update did (and the precondition failed).
      const outcome = `${updated.status} ${deleted.status}`;
      expect(['rejected fulfilled', 'fulfilled rejected']).toContain(outcome);
      if (deleted.status === 'fulfilled') expect(code((updated as PromiseRejectedResult).reason)).toBe('NotFound');
      else expect(String((deleted as PromiseRejectedResult).reason)).toMatch(/precondition failed/);
    });
  });
}
