/**
 * The etcd backend against a real etcd: the storage conformance suite unchanged (as LevelDB runs it), then
 * what only several writers can break: two stores (two replicas) on one prefix updating the same objects
 * concurrently lose no update, and a watch on one sees every write made through the other exactly once, in
 * order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../src/storage/etcd/client.js';
import { Compactor } from '../../src/storage/etcd/compactor.js';
import { EtcdStorage, type EtcdStorageOptions } from '../../src/storage/etcd/index.js';
import { runStorageConformance } from '../../src/storage/testing/conformance.js';
import { code, obj, rv, take } from '../../src/storage/testing/fixtures.js';
import { ensureEtcd } from '../e2e/components.js';
import { type EtcdMember, startEtcd } from '../e2e/etcd.js';

const dir = mkdtempSync(join(tmpdir(), 'etcd-storage-'));
let etcd: EtcdMember;
let prefixes = 0;

beforeAll(async () => {
  etcd = await startEtcd(await ensureEtcd(), dir);
}, 15 * 60_000);

afterAll(async () => {
  await etcd?.process.stop();
  rmSync(dir, { recursive: true, force: true });
});

function options(prefix: string, historySize = 10_000): EtcdStorageOptions {
  return { endpoints: [etcd.url], prefix, historySize, historyBytes: 64 * 1024 * 1024, compactionIntervalMs: 0 };
}

async function openStore(prefix: string, historySize?: number): Promise<EtcdStorage> {
  const s = new EtcdStorage(options(prefix, historySize));
  await s.open();
  return s;
}

runStorageConformance('etcd', async (opts = {}) => {
  const prefix = `/conformance-${++prefixes}`;
  let storage = await openStore(prefix, opts.historySize);
  return {
    storage,
    reopen: async () => {
      await storage.close();
      storage = await openStore(prefix, opts.historySize);
      return storage;
    },
    cleanup: () => storage.close(),
  };
});

describe('several replicas on one etcd', () => {
  it('lose no update when two stores update the same object concurrently', async () => {
    const prefix = `/replicas-${++prefixes}`;
    const [one, two] = [await openStore(prefix), await openStore(prefix)];
    try {
      await one.create('/g/things/ns/n', { ...obj('n'), spec: { count: 0 } });
      const bump = (s: EtcdStorage) =>
        s.update('/g/things/ns/n', (c) => ({ ...c, spec: { count: (c.spec as { count: number }).count + 1 } }));
      await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 ? one : two)));
      expect(((await one.get('/g/things/ns/n')).spec as { count: number }).count).toBe(40);
      expect(((await two.get('/g/things/ns/n')).spec as { count: number }).count).toBe(40);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('let exactly one of two stores create a key', async () => {
    const prefix = `/replicas-${++prefixes}`;
    const [one, two] = [await openStore(prefix), await openStore(prefix)];
    try {
      const results = await Promise.allSettled([one.create('/g/things/ns/x', obj('x')), two.create('/g/things/ns/x', obj('x'))]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('deliver every write made through one store to a watch on the other, once and in order', async () => {
    const prefix = `/replicas-${++prefixes}`;
    const [writer, reader] = [await openStore(prefix), await openStore(prefix)];
    try {
      const w = await reader.watch('/g/things/', { resourceVersion: await reader.currentResourceVersion() });
      const written: string[] = [];
      for (let i = 0; i < 20; i++) {
        const o = await writer.create(`/g/things/ns/o${i}`, obj(`o${i}`));
        written.push(`ADDED o${i} ${rv(o)}`);
        if (i % 3 === 0) {
          const u = await writer.update(`/g/things/ns/o${i}`, (c) => ({ ...c, spec: { i } }));
          written.push(`MODIFIED o${i} ${rv(u)}`);
        }
        if (i % 5 === 0) {
          const d = await writer.delete(`/g/things/ns/o${i}`);
          written.push(`DELETED o${i} ${rv(d)}`);
        }
      }
      const seen = await take(w, written.length + 1, 1_500);
      w.stop();
      expect(seen.map((e) => `${e.type} ${e.object.metadata.name} ${e.resourceVersion}`)).toEqual(written);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  it('reads what another store wrote at once: a get or list after an acknowledged write sees it', async () => {
    const prefix = `/replicas-${++prefixes}`;
    const [writer, reader] = [await openStore(prefix), await openStore(prefix)];
    try {
      for (let i = 0; i < 20; i++) {
        const o = await writer.create(`/g/things/ns/o${i}`, obj(`o${i}`));
        expect((await reader.get(`/g/things/ns/o${i}`)).metadata.resourceVersion).toBe(o.metadata.resourceVersion);
        expect((await reader.list('/g/things/')).items).toHaveLength(i + 1);
      }
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });
});

describe('compaction', () => {
  it('is done by one replica per interval, to the revision recorded one interval before', async () => {
    const clients = [new EtcdClient({ endpoints: [etcd.url] }), new EtcdClient({ endpoints: [etcd.url] })];
    const [first, second] = clients.map((c) => new Compactor(c, 0, () => {})) as [Compactor, Compactor];
    try {
      // Round one: the first records a revision, the second finds the key moved on and compacts nothing.
      expect(await first.runOnce()).toBeUndefined();
      expect(await second.runOnce()).toBeUndefined();
      const store = await openStore(`/compaction-${++prefixes}`);
      const before = await store.create('/g/things/ns/a', obj('a'));
      await store.update('/g/things/ns/a', (c) => ({ ...c, spec: { x: 1 } }));
      await store.close();
      // Round two: only the first holds the key's version, and compacts to what it recorded in round one.
      const compactedTo = await first.runOnce();
      expect(compactedTo).toBeGreaterThan(0);
      expect(compactedTo).toBeLessThan(rv(before));
      expect(await second.runOnce()).toBeUndefined();
      // Round three, the second winning now that it has learned the version: it compacts past the writes.
      expect(await second.runOnce()).toBeGreaterThan(rv(before));
      await expect(clients[0]?.range(Buffer.from('/'), undefined, { revision: rv(before) })).rejects.toSatisfy(
        (e) => code(e) === 'Expired',
      );
    } finally {
      for (const c of clients) c.close();
    }
  });

  it("starts a store's history at etcd's compaction point: older watches get Expired, newer ones everything", async () => {
    const prefix = `/compaction-${++prefixes}`;
    let store = await openStore(prefix);
    const early = await store.create('/g/things/ns/a', obj('a'));
    const client = new EtcdClient({ endpoints: [etcd.url] });
    try {
      const mid = await store.update('/g/things/ns/a', (c) => ({ ...c, spec: { x: 1 } }));
      await client.compact(rv(mid));
      const late = await store.update('/g/things/ns/a', (c) => ({ ...c, spec: { x: 2 } }));
      await store.close();
      store = await openStore(prefix);
      await expect(store.watch('/g/things/', { resourceVersion: rv(early) })).rejects.toSatisfy((e) => code(e) === 'Expired');
      const w = await store.watch('/g/things/', { resourceVersion: rv(mid) });
      expect((await take(w, 1)).map((e) => `${e.type} ${e.resourceVersion}`)).toEqual([`MODIFIED ${rv(late)}`]);
      w.stop();
    } finally {
      client.close();
      await store.close();
    }
  });
});
