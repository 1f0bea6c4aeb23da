/**
 * backup and restore end to end: a LevelDB server's objects, backed up online through the API, restored into
 * etcd and served from there with everything that identifies them intact; a backup taken under a write load
 * is one point in time; a truncated or corrupt file, or a store that is not empty, restores nothing; after a
 * restore, resourceVersions of the old store make clients relist rather than read stale state.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { LocalServer } from '../../src/cmd/local.js';
import { BackupOptions, runBackup } from '../../src/cmd/backup.js';
import { RestoreOptions, runRestore } from '../../src/cmd/restore.js';
import { LevelStorage } from '../../src/storage/level/index.js';
import { ensureEtcd } from '../e2e/components.js';
import { type EtcdMember, startEtcd } from '../e2e/etcd.js';
import { call, type ClientIdentity, watchEvents } from '../support/client.js';
import { Kubectl } from '../support/kubectl.js';
import { startTestServer, tempDir } from '../support/local.js';

const dir = tempDir('backup-it-');
let etcd: EtcdMember;
const servers: LocalServer[] = [];
const idOf = (s: LocalServer): ClientIdentity => ({ ca: s.ca, cert: s.adminCert, key: s.adminKey });
const flunders = (ns: string): string => `/apis/wardle.example.com/v1alpha1/namespaces/${ns}/flunders`;

async function server(name: string, overrides: Parameters<typeof startTestServer>[1] = {}): Promise<LocalServer> {
  const s = await startTestServer(join(dir.path, name), overrides);
  servers.push(s);
  return s;
}

const backup = (s: LocalServer, output: string) => runBackup(new BackupOptions().applyFlags({ kubeconfig: s.kubeconfigPath, output }));
const restore = (input: string, storage: Record<string, unknown>) => runRestore(new RestoreOptions().applyFlags({ input, ...storage }));
const intoEtcd = (prefix: string) => ({ storageBackend: 'etcd3' as const, etcdServers: [etcd.url], etcdPrefix: prefix });

/** What must survive a restore, per object. */
const identity = (o: any) => ({
  name: o.metadata.name,
  namespace: o.metadata.namespace,
  uid: o.metadata.uid,
  creationTimestamp: o.metadata.creationTimestamp,
  labels: o.metadata.labels,
  annotations: o.metadata.annotations,
  finalizers: o.metadata.finalizers,
  ownerReferences: o.metadata.ownerReferences,
  spec: o.spec,
});

beforeAll(async () => {
  etcd = await startEtcd(await ensureEtcd(), dir.path);
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.server.shutdown()));
  await etcd?.process.stop();
  dir.remove();
});

describe('backup and restore', () => {
  it('moves every object from LevelDB to etcd with its identity, and kubectl sees the same through the restored server', async () => {
    const source = await server('source');
    const kubectl = new Kubectl(source.kubeconfigPath);
    const objects = [
      {
        apiVersion: 'wardle.example.com/v1alpha1',
        kind: 'Flunder',
        metadata: { name: 'parent', namespace: 'default', labels: { tier: 'a' }, annotations: { note: 'kept' } },
        spec: { reference: 'x' },
      },
      {
        apiVersion: 'wardle.example.com/v1alpha1',
        kind: 'Fischer',
        metadata: { name: 'cluster-wide', labels: { k: 'v' } },
        disallowedFlunders: ['z'],
      },
    ];
    await kubectl.ok(['apply', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
    const parent = JSON.parse(await kubectl.ok(['get', 'flunder', 'parent', '-n', 'default', '-o', 'json']));
    const child = {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Flunder',
      metadata: {
        name: 'child',
        namespace: 'other',
        finalizers: ['example.com/hold'],
        ownerReferences: [{ apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', name: 'parent', uid: parent.metadata.uid }],
      },
      spec: {},
    };
    await kubectl.ok(['apply', '-f', '-'], stringify(child));
    const before = JSON.parse(await kubectl.ok(['get', 'flunders,fischers', '-A', '-o', 'json'])).items.map(identity);
    const oldRv = (await call(source.url, idOf(source), 'GET', flunders('default'))).json.metadata.resourceVersion;

    const file = join(dir.path, 'source.backup');
    const taken = await backup(source, file);
    expect(taken.count).toBe(3);
    const restored = await restore(file, intoEtcd('/restored'));
    expect(restored.count).toBe(3);

    const target = await server('target', intoEtcd('/restored'));
    const after = JSON.parse(await new Kubectl(target.kubeconfigPath).ok(['get', 'flunders,fischers', '-A', '-o', 'json'])).items.map(
      identity,
    );
    expect(after).toEqual(before);

    // A client still holding a resourceVersion of the old store relists: 410, or 504 ResourceVersionTooLarge.
    const stale = await watchEvents(target.url, idOf(target), `${flunders('default')}?watch=true&resourceVersion=${oldRv}`, 1, 6_000);
    const answer = stale.status === 200 ? stale.events[0]?.object : undefined;
    expect(stale.status === 504 || (answer?.kind === 'Status' && answer.code === 410)).toBe(true);
  });

  it('takes one point in time under a write load: exactly the objects a list at its resourceVersion holds', async () => {
    const s = await server('loaded');
    let running = true;
    let n = 0;
    const load = (async () => {
      while (running) {
        const i = n++;
        await call(s.url, idOf(s), 'POST', flunders('load'), {
          apiVersion: 'wardle.example.com/v1alpha1',
          kind: 'Flunder',
          metadata: { name: `w${i}` },
          spec: {},
        });
        if (i % 3 === 0 && i > 0) await call(s.url, idOf(s), 'DELETE', `${flunders('load')}/w${i - 1}`);
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const file = join(dir.path, 'loaded.backup');
    const taken = await backup(s, file);
    running = false;
    await load;
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const names = lines
      .slice(1, -1)
      .map((l) => JSON.parse(l).object.metadata.name)
      .sort();
    const at = await call(
      s.url,
      idOf(s),
      'GET',
      `/apis/wardle.example.com/v1alpha1/flunders?resourceVersion=${taken.resourceVersion}&resourceVersionMatch=Exact`,
    );
    expect(names).toEqual(at.json.items.map((o: any) => o.metadata.name).sort());
    expect(names.length).toBeGreaterThan(5);
  });

  it('refuses a truncated, corrupt or foreign file, and a store that is not empty, restoring nothing', async () => {
    const s = await server('small');
    await call(s.url, idOf(s), 'POST', flunders('default'), {
      apiVersion: 'wardle.example.com/v1alpha1',
      kind: 'Flunder',
      metadata: { name: 'only' },
      spec: {},
    });
    const file = join(dir.path, 'small.backup');
    await backup(s, file);
    const text = readFileSync(file, 'utf8');
    const variants: [string, string, RegExp][] = [
      [
        'truncated',
        text.split('\n').slice(0, -2).join('\n'),
        /truncated: the file ends after line 2 without its end record.*nothing was restored/,
      ],
      ['corrupt', text.replace('"only"', '"onlx"'), /does not name the object's metadata.name|sha256 does not match/],
      [
        'altered',
        text.replace('"spec":{}', '"spec":{"reference":"changed"}'),
        /sha256 does not match the file: the file is corrupt; nothing was restored/,
      ],
      ['foreign', '{"kind":"List","items":[]}\n', /line 1: not a backup of aggregated-apiserver/],
    ];
    for (const [name, content, error] of variants) {
      const bad = join(dir.path, `${name}.backup`);
      writeFileSync(bad, content);
      const dataDir = join(dir.path, `restore-${name}`);
      await expect(restore(bad, { dataDir })).rejects.toThrow(error);
      const store = new LevelStorage({ path: join(dataDir, 'leveldb') });
      await store.open().catch(() => undefined);
      expect((await store.list('/').catch(() => ({ items: [] }))).items).toEqual([]);
      await store.close();
    }
    await restore(file, intoEtcd('/twice'));
    await expect(restore(file, intoEtcd('/twice'))).rejects.toThrow(/the store is not empty/);
  });
});
