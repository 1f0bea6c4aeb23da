/**
 * The server on the etcd backend, as replicas run it: two servers on one etcd prefix serve one API (a write
 * through one is read and watched through the other), `kill -9` of a replica under write load loses no
 * acknowledged write, a watch older than the watch cache gets 410, an etcd that goes away makes /readyz fail
 * by name and requests fail fast with 503 until it is back, and start-up refuses what cannot work.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { ensureEtcd } from '../e2e/components.js';
import { type EtcdMember, startEtcd } from '../e2e/etcd.js';
import { eventually } from '../e2e/process.js';
import { call, type ClientIdentity, watchEvents } from '../support/client.js';
import { startTestServer, tempDir } from '../support/local.js';
import { exited, LOAD_PATH, startServerProcess, writeLoad } from '../support/server-process.js';

const dir = tempDir('etcd-replicas-it-');
let etcd: EtcdMember;
const replicas: LocalServer[] = [];
let prefixes = 0;

const flunders = '/apis/wardle.example.com/v1alpha1/namespaces/default/flunders';
const flunder = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'wardle.example.com/v1alpha1',
  kind: 'Flunder',
  metadata: { name },
  spec,
});
const idOf = (s: LocalServer): ClientIdentity => ({ ca: s.ca, cert: s.adminCert, key: s.adminKey });
const etcdFlags = (prefix: string) => ['--storage-backend', 'etcd3', '--etcd-servers', etcd.url, '--etcd-prefix', prefix];

async function replica(name: string, prefix: string, extra: Record<string, unknown> = {}): Promise<LocalServer> {
  const s = await startTestServer(join(dir.path, name), { storageBackend: 'etcd3', etcdServers: [etcd.url], etcdPrefix: prefix, ...extra });
  replicas.push(s);
  return s;
}

beforeAll(async () => {
  etcd = await startEtcd(await ensureEtcd(), dir.path);
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.server.shutdown()));
  await etcd?.process.stop();
  dir.remove();
});

describe('replicas on one etcd', () => {
  it('serve one API: a write through one is read, listed and watched through the other', async () => {
    const prefix = `/it-${++prefixes}`;
    const [a, b] = [await replica('a1', prefix), await replica('b1', prefix)];
    const created = await call(a.url, idOf(a), 'POST', flunders, flunder('one'));
    expect(created.status).toBe(201);
    const rv = created.json.metadata.resourceVersion;
    const got = await call(b.url, idOf(b), 'GET', `${flunders}/one`);
    expect([got.status, got.json.metadata.resourceVersion, got.json.metadata.uid]).toEqual([200, rv, created.json.metadata.uid]);

    const watch = watchEvents(b.url, idOf(b), `${flunders}?watch=true&resourceVersion=${rv}`, 3, 10_000);
    const put = await call(a.url, idOf(a), 'PUT', `${flunders}/one`, { ...created.json, spec: { reference: 'x' } });
    expect(put.status).toBe(200);
    expect((await call(a.url, idOf(a), 'POST', flunders, flunder('two'))).status).toBe(201);
    expect((await call(a.url, idOf(a), 'DELETE', `${flunders}/one`)).status).toBe(200);
    const { events } = await watch;
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['MODIFIED one', 'ADDED two', 'DELETED one']);
    expect(events[0].object.metadata.resourceVersion).toBe(put.json.metadata.resourceVersion);

    const list = await call(b.url, idOf(b), 'GET', flunders);
    expect(list.json.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['two']);
  });

  it('refuses a stale update made through the other replica with 409, as one server would', async () => {
    const prefix = `/it-${++prefixes}`;
    const [a, b] = [await replica('a2', prefix), await replica('b2', prefix)];
    const created = (await call(a.url, idOf(a), 'POST', flunders, flunder('c'))).json;
    expect((await call(b.url, idOf(b), 'PUT', `${flunders}/c`, { ...created, spec: { reference: 'b' } })).status).toBe(200);
    const stale = await call(a.url, idOf(a), 'PUT', `${flunders}/c`, { ...created, spec: { reference: 'a' } });
    expect([stale.status, stale.json.reason]).toEqual([409, 'Conflict']);
  });

  it('two server processes lose no update made concurrently to one object, and a watch on one sees every write through the other once, in order', async () => {
    const prefix = `/it-${++prefixes}`;
    const inProcess = await replica('b6', prefix);
    const other = await startServerProcess(join(dir.path, 'a6'), etcdFlags(prefix));
    try {
      const ids = [
        { url: inProcess.url, id: idOf(inProcess) },
        { url: other.url, id: other.id },
      ];
      const created = await call(other.url, other.id, 'POST', flunders, {
        ...flunder('counter'),
        metadata: { name: 'counter', annotations: { count: '0' } },
      });
      const watch = watchEvents(
        inProcess.url,
        idOf(inProcess),
        `${flunders}?watch=true&resourceVersion=${created.json.metadata.resourceVersion}`,
        30,
        20_000,
      );
      // Each worker increments through its own server, as a client does: read, write with the resourceVersion read, retry on 409.
      const written: string[] = [];
      await Promise.all(
        ids.map(async ({ url, id }) => {
          for (let done = 0; done < 15; ) {
            const cur = (await call(url, id, 'GET', `${flunders}/counter`)).json;
            cur.metadata.annotations.count = String(Number(cur.metadata.annotations.count) + 1);
            const put = await call(url, id, 'PUT', `${flunders}/counter`, cur);
            if (put.status === 409) continue;
            expect(put.status).toBe(200);
            written.push(put.json.metadata.resourceVersion);
            done++;
          }
        }),
      );
      expect((await call(inProcess.url, idOf(inProcess), 'GET', `${flunders}/counter`)).json.metadata.annotations.count).toBe('30');
      const { events } = await watch;
      expect(events.map((e) => e.object.metadata.annotations.count)).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
      expect(events.map((e) => e.object.metadata.resourceVersion)).toEqual([...written].sort((a, b) => Number(a) - Number(b)));
    } finally {
      other.child.kill('SIGTERM');
      await exited(other.child);
    }
  });

  it('loses no acknowledged write when one replica is killed with SIGKILL under write load; the other serves them all', async () => {
    const prefix = `/it-${++prefixes}`;
    const survivor = await replica('b3', prefix);
    const victim = await startServerProcess(join(dir.path, 'a3'), etcdFlags(prefix));
    const load = writeLoad(victim.url, victim.id, 8);
    await new Promise((r) => setTimeout(r, 1500));
    const done = exited(victim.child);
    victim.child.kill('SIGKILL');
    await done;
    const acked = await load.stop();
    expect(acked.length).toBeGreaterThan(10);
    const list = await call(survivor.url, idOf(survivor), 'GET', LOAD_PATH);
    const stored = new Set(list.json.items.map((o: { metadata: { name: string } }) => o.metadata.name));
    expect(acked.filter((name) => !stored.has(name))).toEqual([]);
  });

  it('answers 410 Expired to a watch older than the watch cache holds, and the relist works', async () => {
    const a = await replica('a4', `/it-${++prefixes}`, { eventHistorySize: 5 });
    const first = await call(a.url, idOf(a), 'POST', flunders, flunder('e0'));
    for (let i = 1; i < 10; i++) await call(a.url, idOf(a), 'POST', flunders, flunder(`e${i}`));
    const old = await watchEvents(
      a.url,
      idOf(a),
      `${flunders}?watch=true&resourceVersion=${first.json.metadata.resourceVersion}`,
      1,
      5_000,
    );
    expect(old.events[0]).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
    const relist = await call(a.url, idOf(a), 'GET', flunders);
    expect(relist.json.items).toHaveLength(10);
  });
});

describe('start-up', () => {
  it('stops with a message naming etcd when etcd is unreachable', async () => {
    await expect(
      startTestServer(join(dir.path, 'x1'), { storageBackend: 'etcd3', etcdServers: ['http://127.0.0.1:1'], etcdPrefix: '/x' }),
    ).rejects.toThrow(/etcd http:\/\/127.0.0.1:1: .*ECONNREFUSED/);
  });

  it('stops when the prefix holds data this server did not write', async () => {
    const prefix = `/it-${++prefixes}`;
    const res = await fetch(`${etcd.url}/v3/kv/put`, {
      method: 'POST',
      body: JSON.stringify({
        key: Buffer.from(`${prefix}/pods/default/p`).toString('base64'),
        value: Buffer.from('k8s\0binary').toString('base64'),
      }),
    });
    expect(res.ok).toBe(true);
    await expect(replica('x2', prefix)).rejects.toThrow(/holds data this server did not write.*give --etcd-prefix a prefix of its own/);
  });
});

// Last: it stops the etcd every other test uses.
describe('etcd going away', () => {
  it('fails /readyz by name and requests fast with 503 while etcd is down, and serves again once it is back', async () => {
    const a = await replica('a5', `/it-${++prefixes}`);
    expect((await call(a.url, idOf(a), 'POST', flunders, flunder('before'))).status).toBe(201);
    await etcd.process.stop();
    const ready = await eventually(
      '/readyz to fail',
      async () => {
        const res = await call(a.url, idOf(a), 'GET', '/readyz?verbose');
        return res.status === 500 ? res.text : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(ready).toContain('[-]etcd failed');
    const started = Date.now();
    const write = await call(a.url, idOf(a), 'POST', flunders, flunder('during'));
    const read = await call(a.url, idOf(a), 'GET', `${flunders}/before`);
    expect([write.status, write.json.reason, read.status]).toEqual([503, 'ServiceUnavailable', 503]);
    expect(Date.now() - started).toBeLessThan(12_000);

    await etcd.restart();
    await eventually('/readyz to pass', async () => ((await call(a.url, idOf(a), 'GET', '/readyz')).status === 200 ? true : undefined), {
      timeoutMs: 20_000,
    });
    expect((await call(a.url, idOf(a), 'POST', flunders, flunder('after'))).status).toBe(201);
    const list = await call(a.url, idOf(a), 'GET', flunders);
    expect(list.json.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(['after', 'before']);
  }, 90_000);
});
