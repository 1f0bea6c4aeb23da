/**
 * Memory and start-up by collection size: for each count of `BENCH_SCALE` (comma separated; 0, 10,000 and
 * 100,000 by default), a local server is filled with that many Flunders of about 1 KB, then restarted and
 * measured: spawn to serving, RSS once serving, and the RSS peak over two full JSON lists read one after
 * the other.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localAdminTls, send, startServer, type Tls } from './cannon.js';

export interface ScaleFigure {
  objects: number;
  startMs: number;
  rssMiB: number;
  peakMiB: number;
}

export const DEFAULT_SCALES = [0, 10_000, 100_000];

const PATH = '/apis/wardle.example.com/v1alpha1/namespaces/scale/flunders';

const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function fill1k(url: string, tls: Tls, count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < count) {
        const i = next++;
        const code = await send(url, tls, 'POST', PATH, {
          apiVersion: 'wardle.example.com/v1alpha1',
          kind: 'Flunder',
          metadata: { name: `obj-${i}` },
          spec: { reference: `ref-${i}-${'x'.repeat(800)}` },
        });
        if (code !== 201) throw new Error(`fill: create answered ${code}`);
      }
    }),
  );
}

function listAll(url: string, tls: Tls): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(PATH, url), tls, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
}

export function scalesFromEnv(): number[] {
  const given = process.env.BENCH_SCALE;
  return given ? given.split(',').map((s) => Number(s.trim().replaceAll('_', ''))) : DEFAULT_SCALES;
}

export async function benchScale(scales: number[]): Promise<ScaleFigure[]> {
  const figures: ScaleFigure[] = [];
  for (const objects of scales) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
    const args = ['dist/main.js', 'local', '--data-dir', dir, '--secure-port', '0', '--log-level', 'warn'];
    try {
      const filling = await startServer(args);
      await fill1k(filling.url, localAdminTls(dir), objects);
      await new Promise<void>((resolve) => {
        filling.child.once('exit', () => resolve());
        filling.child.kill('SIGTERM');
      });
      const started = Date.now();
      const server = await startServer(args);
      const startMs = Date.now() - started;
      const pid = server.child.pid as number;
      try {
        await new Promise((r) => setTimeout(r, 1000));
        const rss = rssMiB(pid);
        let peak = rss;
        const sampler = setInterval(() => {
          peak = Math.max(peak, rssMiB(pid));
        }, 10);
        for (let i = 0; i < 2; i++) await listAll(server.url, localAdminTls(dir));
        clearInterval(sampler);
        figures.push({ objects, startMs, rssMiB: rss, peakMiB: Math.max(peak, rssMiB(pid)) });
      } finally {
        server.child.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return figures;
}
