/**
 * The real binary in a process of its own, for tests that kill it (SIGTERM, SIGKILL), and a write load whose
 * acknowledged writes are counted, to prove none is lost.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, type ClientIdentity } from './client.js';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  id: ClientIdentity;
}

/**
 * Starts `local` in a process of its own (so that a test can kill it), with `args` after its defaults; `env`
 * beside the test's, `nodeArgs` before the program.
 */
export function startServerProcess(
  dataDir: string,
  args: string[] = [],
  opts: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(opts.nodeArgs ?? []),
        '--import',
        'tsx',
        'src/main.ts',
        'local',
        '--data-dir',
        dataDir,
        '--secure-port',
        '0',
        '--log-level',
        'warn',
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
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

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Where `writeLoad` creates its Flunders. */
export const LOAD_PATH = '/apis/wardle.example.com/v1alpha1/namespaces/load/flunders';

/** Creates objects from `workers` concurrent loops until told to stop; returns the names acknowledged with 201. */
export function writeLoad(url: string, id: ClientIdentity, workers: number): { stop: () => Promise<string[]> } {
  const acked: string[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const name = `w-${n++}`;
      try {
        const res = await call(url, id, 'POST', LOAD_PATH, {
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
