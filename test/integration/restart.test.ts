/**
 * Durability across a restart of the real server on the same data directory: objects and resourceVersions
 * survive, a watch from a resourceVersion before the restart still gets every later event, and a second
 * server cannot open the same data directory.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../src/cmd/local.js';
import { call, type ClientIdentity, watchEvents } from '../support/client.js';
import { startTestServer, tempDir } from '../support/local.js';

const path = '/apis/wardle.example.com/v1alpha1/namespaces/default/flunders';
const body = (name: string) => ({ apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name }, spec: {} });

describe('restart', () => {
  const dir = tempDir('restart-it-');
  let local: LocalServer | undefined;
  afterAll(async () => {
    await local?.server.shutdown();
    dir.remove();
  });

  it('keeps every object and resourceVersion, and resumes watches from before the restart', async () => {
    local = await startTestServer(dir.path);
    let id: ClientIdentity = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
    const rvs: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) {
      const res = await call(local.url, id, 'POST', path, body(name));
      expect(res.status).toBe(201);
      rvs.push(res.json.metadata.resourceVersion);
    }
    const before = (await call(local.url, id, 'GET', path)).json;
    await local.server.shutdown();

    local = await startTestServer(dir.path);
    id = { ca: local.ca, cert: local.adminCert, key: local.adminKey };
    const after = (await call(local.url, id, 'GET', path)).json;
    expect(after.items).toEqual(before.items);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    const e = await call(local.url, id, 'POST', path, body('e'));
    expect(Number(e.json.metadata.resourceVersion)).toBeGreaterThan(Number(rvs[3]));
    const watched = await watchEvents(local.url, id, `${path}?watch=true&resourceVersion=${rvs[1]}`, 3);
    expect(watched.status).toBe(200);
    expect(watched.events.map((ev) => `${ev.type} ${ev.object.metadata.name}`)).toEqual(['ADDED c', 'ADDED d', 'ADDED e']);
  });

  it('refuses a second server on the same data directory with a clear error', async () => {
    await expect(startTestServer(dir.path)).rejects.toThrow(/in use|lock/i);
  });

  it('fails /readyz and /livez once a disk write fails, so the kubelet restarts it', async () => {
    const broken = tempDir('broken-it-');
    const server = await startTestServer(broken.path);
    try {
      const id = { ca: server.ca, cert: server.adminCert, key: server.adminKey };
      expect((await call(server.url, id, 'GET', '/readyz')).status).toBe(200);
      // The disk goes away under the store: the next synced batch fails.
      const storage = (server.server as unknown as { config: { storage: { db: { close(): Promise<void> } } } }).config.storage;
      await storage.db.close();
      const write = await call(server.url, id, 'POST', path, body('lost'));
      expect(write.status).toBe(503);
      expect(write.json).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable' });
      const ready = await call(server.url, id, 'GET', '/readyz?verbose');
      expect(ready.status).toBe(500);
      expect(ready.text).toContain('[-]storage failed');
      expect((await call(server.url, id, 'GET', '/livez')).status).toBe(500);
    } finally {
      await server.server.shutdown().catch(() => undefined);
      broken.remove();
    }
  });
});
