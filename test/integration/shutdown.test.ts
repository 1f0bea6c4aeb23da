/**
 * Graceful shutdown of the real binary: SIGTERM during a write load ends the process with exit code 0
 * within the grace period, and every write that was acknowledged is there after a restart. Also `kill -9`:
 * nothing acknowledged is lost.
 */
import { connect as h2connect } from 'node:http2';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../support/client.js';
import { tempDir } from '../support/local.js';
import { exited, LOAD_PATH as path, startServerProcess as start, writeLoad } from '../support/server-process.js';

const GRACE_MS = 10_000;

describe('shutdown', () => {
  const dir = tempDir('shutdown-it-');
  afterAll(() => dir.remove());

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`keeps every acknowledged write across ${signal} during a write load`, async () => {
      const dataDir = join(dir.path, signal);
      const first = await start(dataDir);
      const load = writeLoad(first.url, first.id, 8);
      await new Promise((r) => setTimeout(r, 1500));
      const sentAt = Date.now();
      const done = exited(first.child);
      first.child.kill(signal);
      const { code } = await done;
      const acked = await load.stop();
      if (signal === 'SIGTERM') {
        expect(code).toBe(0);
        expect(Date.now() - sentAt).toBeLessThan(GRACE_MS);
      }
      expect(acked.length).toBeGreaterThan(10);

      const second = await start(dataDir);
      try {
        const list = await call(second.url, second.id, 'GET', path);
        const stored = new Set(list.json.items.map((o: { metadata: { name: string } }) => o.metadata.name));
        expect(acked.filter((name) => !stored.has(name))).toEqual([]);
      } finally {
        const gone = exited(second.child);
        second.child.kill('SIGTERM');
        await gone;
      }
    });
  }

  it("sends GOAWAY to a proxy's pooled HTTP/2 session and exits, rather than waiting out the idle timeout", async () => {
    const server = await start(join(dir.path, 'h2'));
    const session = h2connect(server.url, { ca: server.id.ca, cert: server.id.cert, key: server.id.key });
    const answered = new Promise<number>((resolve) => {
      const stream = session.request({ ':method': 'GET', ':path': '/apis' });
      stream.on('response', (h) => resolve(Number(h[':status'])));
      stream.resume();
    });
    expect(await answered).toBe(200);
    const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
    const sentAt = Date.now();
    const done = exited(server.child);
    server.child.kill('SIGTERM');
    await goaway;
    expect((await done).code).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(GRACE_MS);
    session.destroy();
  });
});
