/**
 * Graceful shutdown of the real binary: SIGTERM during a write load ends the process with exit code 0
 * within the grace period, and every write that was acknowledged is there after a restart. Also `kill -9`:
 * nothing acknowledged is lost.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, type ClientIdentity } from '../support/client.js';
import { tempDir } from '../support/local.js';

const GRACE_MS = 10_000;

function start(dataDir: string): Promise<{ child: ChildProcess; url: string; id: ClientIdentity }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'local', '--data-dir', dataDir, '--secure-port', '0', '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving on (https:\/\/[^\s,]+)/.exec(out);
      if (m?.[1]) {
        const dir = join(dataDir, 'local');
        resolve({
          child,
          url: m[1],
          id: {
            ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
            cert: readFileSync(join(dir, 'admin.crt'), 'utf8'),
            key: readFileSync(join(dir, 'admin.key'), 'utf8'),
          },
        });
      }
    });
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', (code) => reject(new Error(`server exited early (${code}): ${out}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

const path = '/apis/wardle.example.com/v1alpha1/namespaces/load/flunders';

/** Creates objects from `workers` concurrent loops until told to stop; returns the names acknowledged with 201. */
function writeLoad(url: string, id: ClientIdentity, workers: number): { stop: () => Promise<string[]> } {
  const acked: string[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const name = `w-${n++}`;
      try {
        const res = await call(url, id, 'POST', path, {
          apiVersion: 'wardle.example.com/v1alpha1',
          kind: 'Flunder',
          metadata: { name },
          spec: {},
        });
        if (res.status === 201) acked.push(name);
      } catch {
        // The connection closed under us: that write was not acknowledged.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return acked;
    },
  };
}

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
});
