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
});
