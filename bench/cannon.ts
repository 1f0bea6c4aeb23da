/**
 * The load generator every benchmark shares: autocannon over TLS with client certificates and keep-alive.
 * `shoot` is one measurement; `cannon` repeats it RUNS times and keeps the medians.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import autocannon from 'autocannon';

export const RUNS = Number(process.env.BENCH_RUNS ?? 3);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
export const CONNECTIONS = 16;

export interface Tls {
  ca: string;
  cert: string;
  key: string;
}
export interface Figure {
  name: string;
  rps: number;
  p50: number;
  p99: number;
}
/** One measurement: requests per second and latency percentiles in milliseconds. */
export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Operations that write: the disk's slowest fdatasync during the round (sync-probe.ts), in ms. */
  syncMaxMs?: number;
}

export interface Shot {
  method?: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Each request's own path and body, from a counter: writes that change something every time. */
  vary?: (n: number) => { path: string; body: unknown };
  connections?: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** A GET's JSON body, refused unless the answer is 200. */
export function getJson<T = Record<string, unknown>>(
  url: string,
  tls: Tls,
  path: string,
  headers: Record<string, string> = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { ...tls, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`GET ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`));
        else resolve(JSON.parse(text) as T);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export function send(
  url: string,
  tls: Tls,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, ...tls, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** One autocannon run of SECONDS; any non-2xx answer or error fails it, as a benchmark of failures means nothing. */
export async function shoot(name: string, url: string, tls: Tls, opts: Shot): Promise<Sample> {
  let n = 0;
  const vary = opts.vary;
  const result = await autocannon({
    url: new URL(opts.path, url).toString(),
    method: (opts.method ?? 'GET') as 'GET',
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    headers: { 'content-type': 'application/json', ...opts.headers },
    ...(vary
      ? {
          requests: [
            {
              setupRequest: (req: autocannon.Request) => {
                const next = vary(n++);
                return { ...req, path: next.path, body: JSON.stringify(next.body) };
              },
            },
          ],
        }
      : {}),
    connections: opts.connections ?? CONNECTIONS,
    duration: SECONDS,
    tlsOptions: tls,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

export async function cannon(name: string, url: string, tls: Tls, opts: Shot): Promise<Figure> {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await shoot(name, url, tls, opts));
  return {
    name,
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
  };
}

/** Creates `count` Flunders named obj-<i> under `path`, 64 at a time. */
export async function fill(
  url: string,
  tls: Tls,
  path: string,
  count: number,
  apiVersion = 'wardle.example.com/v1alpha1',
  headers: Record<string, string> = {},
): Promise<void> {
  const inFlight = 64;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next++;
        const body = { apiVersion, kind: 'Flunder', metadata: { name: `obj-${i}` }, spec: { reference: `ref-${i}` } };
        const code = await send(url, tls, 'POST', path, body, headers);
        if (code !== 201) throw new Error(`fill: create answered ${code}`);
      }
    }),
  );
}

/**
 * The flags node runs the server with, in the image's ENTRYPOINT, `npm start` and dist/main.js's #! line
 * (test/deploy/dockerfile.test.ts keeps them equal): the bench measures the server as it ships.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];

/** Starts `node <SERVER_NODE_FLAGS> <args>` and resolves once it prints the URL it serves on. */
export function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving on (https:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

/** The admin client certificate local mode made under `dataDir`, and its CA. */
export function localAdminTls(dataDir: string): Tls {
  const local = join(dataDir, 'local');
  const read = (f: string): string => readFileSync(join(local, f), 'utf8');
  return { ca: read('ca.crt'), cert: read('admin.crt'), key: read('admin.key') };
}
