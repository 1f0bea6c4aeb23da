/**
 * Memory, start-up, lists and writes by collection size: for each count of `BENCH_SCALE` (comma separated; 0,
 * 10,000 and 100,000 by default; 1,000,000 when asked), a LevelDB store is filled with that many Flunders of
 * about 1 KB, a local server started on it and measured: spawn to serving, RSS once serving and at rest, first
 * byte and whole time of a full JSON list; the time of the full list with a label selector matching nothing,
 * as a Table and in v1beta1 (converted); the time of a page of 500 in a walk of the whole list in pages, as
 * kubectl get walks it (Table pages) and as a client-go pager does (JSON); the RSS peak over those seven lists;
 * and create throughput with that many stored.
 *
 * The store is written in this process in the LevelDB layout, with copies of one Flunder the server created (so
 * they are what the API would have stored): a million creates over HTTPS would take a quarter of an hour
 * here, and what is measured is the server that opens the store, not the filling.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../src/apimachinery/types.js';
import { Level } from 'level';
import { DEFAULT_HISTORY_SIZE } from '../src/storage/level/index.js';
import { eventKey, eventRecord, INDEX, LAYOUT_VERSION, META_COMPACTED, META_LAYOUT, META_RV, OBJECT } from '../src/storage/level/layout.js';
import { getJson, localAdminTls, send, startServer, type Tls } from './cannon.js';

export interface ScaleFigure {
  objects: number;
  startMs: number;
  /** One second after the server said it serves. */
  rssMiB: number;
  /**
   * After REST_MS more without a request: V8 gives the young generation that start-up grew back to the
   * system only when its memory reducer runs, 8 s after the last full collection. This is what a server
   * that has been up a while holds between requests.
   */
  restMiB: number;
  restAnonMiB: number;
  /**
   * The RSS peak over two full lists read one after the other, then the full list with a label selector, as a
   * Table, in the version that is not the storage version, and walked in pages as a Table and as JSON.
   */
  peakMiB: number;
  /**
   * The anonymous part of each (the rest is file-backed: the program's code and LevelDB's tables, which
   * LevelDB maps into memory and the kernel can reclaim).
   */
  rssAnonMiB: number;
  peakAnonMiB: number;
  /** Of a full JSON list: first byte, and the whole body, in ms (the faster of the two). */
  listFirstByteMs: number;
  listMs: number;
  /** Of a list with a label selector that matches no object (so every object is read and tested), in ms. */
  selectorListMs: number;
  /** Of the full list as a Table (kubectl's), and in v1beta1 (every object converted), in ms. */
  tableListMs: number;
  convertedListMs: number;
  /** A page of a walk of the whole list in pages of PAGE (kubectl get's chunk size), as a Table and as JSON, in ms (the mean). */
  tablePageMs: number;
  jsonPageMs: number;
  /** Creates per second with that many stored, 16 at a time, over HTTPS. */
  createRps: number;
}

export const DEFAULT_SCALES = [0, 10_000, 100_000];

const NAMESPACE = 'scale';
const PATH = `/apis/wardle.example.com/v1alpha1/namespaces/${NAMESPACE}/flunders`;
const KEY_PREFIX = `/wardle.example.com/flunders/${NAMESPACE}/`;
const CREATES = 2_000;
const CREATE_CONCURRENCY = 16;
const REST_MS = 10_000;
/** kubectl get's --chunk-size, and client-go's pager's page size. */
const PAGE = 500;
/** What kubectl get asks for: a Table, in either version, or the list as it is. */
const KUBECTL_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** The process's resident memory in MiB, whole and anonymous. */
function rssMiB(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, anon: kib('RssAnon') / 1024 };
}

const flunder = (name: string): KubeObject => ({
  apiVersion: 'wardle.example.com/v1alpha1',
  kind: 'Flunder',
  metadata: { name },
  spec: { reference: `ref-${name}-${'x'.repeat(800)}` },
});

/**
 * Writes the LevelDB the server keeps under `dir` as the store would have after `count` creates of copies of
 * `template` (objects, index, the newest DEFAULT_HISTORY_SIZE events, the older ones compacted), in unsynced
 * batches: what the server's writes would leave, at a hundred times their speed.
 */
async function seed(dir: string, template: KubeObject, count: number): Promise<void> {
  const db = new Level<string, string>(join(dir, 'leveldb'));
  await db.open();
  try {
    const firstEvent = count - DEFAULT_HISTORY_SIZE + 1;
    let ops: { type: 'put'; key: string; value: string }[] = [];
    for (let rv = 1; rv <= count; rv++) {
      const name = `obj-${rv - 1}`;
      const key = KEY_PREFIX + name;
      const obj = structuredClone(template);
      obj.metadata = { ...obj.metadata, name, uid: randomUUID(), resourceVersion: String(rv) };
      obj.spec = flunder(name).spec;
      const json = JSON.stringify(obj);
      ops.push({ type: 'put', key: OBJECT + key, value: json }, { type: 'put', key: INDEX + key, value: String(rv) });
      if (rv >= firstEvent)
        ops.push({ type: 'put', key: eventKey(rv), value: eventRecord({ type: 'ADDED', key, resourceVersion: rv, json }) });
      if (ops.length >= 3_000) {
        await db.batch(ops);
        ops = [];
      }
    }
    ops.push(
      { type: 'put', key: META_RV, value: String(count) },
      { type: 'put', key: META_COMPACTED, value: String(Math.max(0, firstEvent - 1)) },
      { type: 'put', key: META_LAYOUT, value: LAYOUT_VERSION },
    );
    await db.batch(ops, { sync: true });
  } finally {
    await db.close();
  }
}

/** A full JSON list (or that list with a query, in a version, as a Table): ms to its first byte and to its end. */
function listAll(
  url: string,
  tls: Tls,
  query = '',
  path = PATH,
  accept = 'application/json',
): Promise<{ firstByteMs: number; ms: number }> {
  const started = process.hrtime.bigint();
  const ms = (): number => Number(process.hrtime.bigint() - started) / 1e6;
  return new Promise((resolve, reject) => {
    const req = request(new URL(`${path}${query}`, url), { ...tls, headers: { accept } }, (res) => {
      let firstByteMs = -1;
      res.on('data', () => {
        if (firstByteMs < 0) firstByteMs = ms();
      });
      res.on('end', () => resolve({ firstByteMs, ms: ms() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every page of the list, PAGE at a time, each asked for once the one before has come: the mean ms per page. */
async function walkPages(url: string, tls: Tls, accept: string): Promise<number> {
  const started = process.hrtime.bigint();
  let pages = 0;
  let next = '';
  do {
    const query = `?limit=${PAGE}${next ? `&continue=${encodeURIComponent(next)}` : ''}`;
    const page = await getJson<{ metadata?: { continue?: string } }>(url, tls, `${PATH}${query}`, { accept });
    next = page.metadata?.continue ?? '';
    pages++;
  } while (next);
  return Number(process.hrtime.bigint() - started) / 1e6 / pages;
}

async function createRate(url: string, tls: Tls): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (next < CREATES) {
        const code = await send(url, tls, 'POST', PATH, flunder(`new-${next++}`));
        if (code !== 201) throw new Error(`create answered ${code}`);
      }
    }),
  );
  return CREATES / (Number(process.hrtime.bigint() - started) / 1e9);
}

export function scalesFromEnv(): number[] {
  const given = process.env.BENCH_SCALE;
  return given ? given.split(',').map((s) => Number(s.trim().replaceAll('_', ''))) : DEFAULT_SCALES;
}

async function stop(server: Awaited<ReturnType<typeof startServer>>): Promise<void> {
  await new Promise<void>((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

export async function benchScale(scales: number[]): Promise<ScaleFigure[]> {
  const figures: ScaleFigure[] = [];
  for (const objects of scales) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
    const args = ['dist/main.js', 'local', '--data-dir', dir, '--secure-port', '0', '--log-level', 'warn'];
    try {
      const first = await startServer(args);
      const tls = localAdminTls(dir);
      if ((await send(first.url, tls, 'POST', PATH, flunder('template'))) !== 201) throw new Error('template: create failed');
      // The Flunder every seeded object copies.
      const template = await getJson<KubeObject>(first.url, tls, `${PATH}/template`);
      if ((await send(first.url, tls, 'DELETE', `${PATH}/template`)) !== 200) throw new Error('template: delete failed');
      await stop(first);
      await seed(dir, template, objects);

      const started = Date.now();
      const server = await startServer(args);
      const startMs = Date.now() - started;
      const pid = server.child.pid as number;
      try {
        await new Promise((r) => setTimeout(r, 1000));
        const rss = rssMiB(pid);
        await new Promise((r) => setTimeout(r, REST_MS - 1000));
        const rest = rssMiB(pid);
        const peak = { ...rss };
        const sample = (): void => {
          const now = rssMiB(pid);
          peak.rss = Math.max(peak.rss, now.rss);
          peak.anon = Math.max(peak.anon, now.anon);
        };
        const sampler = setInterval(sample, 10);
        const lists = [await listAll(server.url, tls), await listAll(server.url, tls)];
        // A label selector that matches nothing: every object is read and tested, none is sent.
        const selected = await listAll(server.url, tls, `?labelSelector=${encodeURIComponent('app=none')}`);
        const table = await listAll(server.url, tls, '', PATH, 'application/json;as=Table;v=v1;g=meta.k8s.io');
        const converted = await listAll(server.url, tls, '', PATH.replace('/v1alpha1/', '/v1beta1/'));
        const tablePageMs = await walkPages(server.url, tls, KUBECTL_ACCEPT);
        const jsonPageMs = await walkPages(server.url, tls, 'application/json');
        clearInterval(sampler);
        sample();
        const createRps = await createRate(server.url, tls);
        figures.push({
          objects,
          startMs,
          rssMiB: rss.rss,
          peakMiB: peak.rss,
          rssAnonMiB: rss.anon,
          restMiB: rest.rss,
          restAnonMiB: rest.anon,
          peakAnonMiB: peak.anon,
          listFirstByteMs: Math.min(...lists.map((l) => l.firstByteMs)),
          listMs: Math.min(...lists.map((l) => l.ms)),
          selectorListMs: selected.ms,
          tableListMs: table.ms,
          convertedListMs: converted.ms,
          tablePageMs,
          jsonPageMs,
          createRps,
        });
      } finally {
        await stop(server);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return figures;
}

/** The figures as the bench prints them, with create throughput as a share of the empty store's. */
export function printScale(figures: ScaleFigure[]): void {
  console.log('\nmemory, start-up, lists and creates by collection size (local mode, LevelDB, objects of about 1 KB; BENCH_SCALE=n,n,...)');
  console.log(
    'objects'.padStart(10),
    'start ms'.padStart(9),
    'RSS MiB (anon)'.padStart(15),
    'at rest (anon)'.padStart(15),
    'peak, 7 lists (anon)'.padStart(21),
    'list 1st byte ms'.padStart(17),
    'list ms'.padStart(8),
    'selector ms'.padStart(12),
    'Table ms'.padStart(9),
    'v1beta1 ms'.padStart(11),
    'page: Table ms'.padStart(15),
    'JSON ms'.padStart(8),
    'creates/s'.padStart(10),
    'of empty'.padStart(9),
  );
  const empty = figures.find((f) => f.objects === 0)?.createRps;
  for (const f of figures) {
    console.log(
      f.objects.toLocaleString('en-US').padStart(10),
      String(f.startMs).padStart(9),
      `${f.rssMiB.toFixed(0)} (${f.rssAnonMiB.toFixed(0)})`.padStart(15),
      `${f.restMiB.toFixed(0)} (${f.restAnonMiB.toFixed(0)})`.padStart(15),
      `${f.peakMiB.toFixed(0)} (${f.peakAnonMiB.toFixed(0)})`.padStart(21),
      f.listFirstByteMs.toFixed(1).padStart(17),
      f.listMs.toFixed(0).padStart(8),
      f.selectorListMs.toFixed(0).padStart(12),
      f.tableListMs.toFixed(0).padStart(9),
      f.convertedListMs.toFixed(0).padStart(11),
      f.tablePageMs.toFixed(1).padStart(15),
      f.jsonPageMs.toFixed(1).padStart(8),
      f.createRps.toFixed(0).padStart(10),
      (empty ? `${((f.createRps / empty) * 100).toFixed(0)}%` : '').padStart(9),
    );
  }
}

// `tsx bench/scale.ts` alone: the scale figures only.
if (import.meta.url === `file://${process.argv[1]}`) {
  benchScale(scalesFromEnv())
    .then(printScale)
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
