/**
 * `npm run bench`: throughput and latency of the real server (built `dist/`, local mode, LevelDB on disk) over
 * TLS with client certificates and keep-alive, driven by autocannon from this process while the server runs in
 * its own. Also a bare Fastify HTTPS server answering a small JSON body: the ceiling, for ratios; and the same
 * operations against a real kube-apiserver, as a CRD and through its aggregation layer to us (kube-apiserver.ts).
 * Figures are medians of the runs; the machines are shared and noisy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cannon, CONNECTIONS, type Figure, fill, RUNS, SECONDS, send, type Tls } from './cannon.js';
import { ETCD_VERSION, KUBERNETES_VERSION } from '../test/e2e/components.js';
import { benchKubeApiserver, type KubeApiserverFigures, type Operations } from './kube-apiserver.js';
import { startReviewer } from './reviewer.js';

function startProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving on (https:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

/** Latency from a create's acknowledgement to its event on an open watch. */
async function watchDelivery(url: string, tls: Tls, path: string, count: number): Promise<Figure> {
  const acked = new Map<string, number>();
  const delays: number[] = [];
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const req = request(new URL(`${path}?watch=true&resourceVersion=${await currentRv(url, tls, path)}`, url), tls, (res) => {
    let buf = '';
    res.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const ev = JSON.parse(buf.slice(0, nl)) as { object: { metadata: { name: string } } };
        buf = buf.slice(nl + 1);
        const seen = process.hrtime.bigint();
        const name = ev.object.metadata.name;
        const at = acked.get(name);
        // An event may arrive before the create's answer: count that as zero delay.
        delays.push(at === undefined ? 0 : Number(seen - BigInt(at)) / 1e6);
        if (delays.length >= count) done();
        nl = buf.indexOf('\n');
      }
    });
  });
  req.end();
  await new Promise((r) => setTimeout(r, 200));
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const name = `watched-${i}`;
    await send(url, tls, 'POST', path, { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name }, spec: {} });
    acked.set(name, Number(process.hrtime.bigint()));
  }
  await finished;
  req.destroy();
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    name: `watch delivery (${count} creates, one at a time)`,
    rps: count / ((Date.now() - started) / 1000),
    p50: sorted[Math.floor(sorted.length * 0.5)] ?? 0,
    p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
  };
}

async function currentRv(url: string, tls: Tls, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(`${path}?limit=1`, url), tls, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve((JSON.parse(body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The same GET through `serve`: front-proxy certificate and X-Remote-* headers, SubjectAccessReview answered
 * by a stand-in reviewer and then from the cache. Per-request server time is 1/throughput while the
 * server's one thread is saturated, so the chain's cost is the difference of the two inverses.
 */
async function chainCost(dataDir: string, local: Figure): Promise<{ figure: Figure; microseconds: number }> {
  const reviewer = await startReviewer(join(dataDir, 'serve'));
  const served = await startProcess([
    'dist/main.js',
    'serve',
    '--secure-port',
    '0',
    '--bind-address',
    '127.0.0.1',
    '--log-level',
    'warn',
    '--data-dir',
    join(dataDir, 'serve', 'data'),
    '--cert-dir',
    join(dataDir, 'serve', 'certs'),
    '--kubeconfig',
    reviewer.kubeconfig,
    '--authentication-skip-lookup',
    '--requestheader-client-ca-file',
    reviewer.frontProxyCAFile,
    '--requestheader-allowed-names',
    'front-proxy-client',
    '--requestheader-username-headers',
    'X-Remote-User',
    '--requestheader-group-headers',
    'X-Remote-Group',
  ]);
  try {
    const tls = { ca: '', cert: reviewer.frontProxy.cert, key: reviewer.frontProxy.key };
    const headers = { 'X-Remote-User': 'alice', 'X-Remote-Group': 'bench' };
    const path = '/apis/wardle.example.com/v1alpha1/namespaces/small/flunders';
    const created = await new Promise<number>((resolve, reject) => {
      const req = request(
        new URL(path, served.url),
        { method: 'POST', ...tls, rejectUnauthorized: false, headers: { 'content-type': 'application/json', ...headers } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { name: 'obj-1' }, spec: {} }));
    });
    if (created !== 201) throw new Error(`serve: create answered ${created}`);
    const figure = await cannon('get one object via serve (front proxy + SAR cache)', served.url, tls, { path: `${path}/obj-1`, headers });
    return { figure, microseconds: (1 / figure.rps - 1 / local.rps) * 1e6 };
  } finally {
    served.child.kill('SIGTERM');
    reviewer.close();
  }
}

/** One table row: a scenario's figures and its ratio to the table's reference. */
function printRow(name: string, f: Figure, ratio: string, ratioWidth: number): void {
  console.log(
    name.padEnd(52),
    f.rps.toFixed(0).padStart(9),
    f.p50.toFixed(2).padStart(8),
    f.p99.toFixed(2).padStart(8),
    ratio.padStart(ratioWidth),
  );
}

function print(figures: Figure[], ceiling: Figure): void {
  console.log(`\nmedians of ${RUNS} runs of ${SECONDS}s, ${CONNECTIONS} connections, TLS with client certificates, keep-alive`);
  console.log('scenario'.padEnd(52), 'req/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), '  of ceiling');
  for (const f of [ceiling, ...figures]) {
    printRow(f.name, f, f === ceiling ? '' : `${((f.rps / ceiling.rps) * 100).toFixed(1)}%`, 12);
  }
}

/** Each operation three ways, with ratios to kube-apiserver serving the same objects as a CRD. */
function printAgainstKubeApiserver(kube: KubeApiserverFigures, direct: Operations): void {
  console.log(
    `\nagainst kube-apiserver ${KUBERNETES_VERSION} (etcd ${ETCD_VERSION}, fsync on), same machine, same load; ratios of req/s to the CRD`,
  );
  console.log('scenario'.padEnd(52), 'req/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), '  vs CRD');
  for (const op of ['create', 'get', 'list'] as const) {
    const crd = kube.crd[op];
    printRow(crd.name, crd, '', 9);
    printRow(kube.aggregated[op].name, kube.aggregated[op], `${(kube.aggregated[op].rps / crd.rps).toFixed(2)}x`, 9);
    printRow(`ours, direct: ${direct[op].name}`, direct[op], `${(direct[op].rps / crd.rps).toFixed(2)}x`, 9);
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const server = await startProcess(['dist/main.js', 'local', '--data-dir', dataDir, '--secure-port', '0', '--log-level', 'warn']);
  const ceilingServer = await startProcess(['--import', 'tsx', 'bench/ceiling.ts', join(dataDir, 'local')]);
  try {
    const local = join(dataDir, 'local');
    const tls: Tls = {
      ca: readFileSync(join(local, 'ca.crt'), 'utf8'),
      cert: readFileSync(join(local, 'admin.crt'), 'utf8'),
      key: readFileSync(join(local, 'admin.key'), 'utf8'),
    };
    const ns = (n: string): string => `/apis/wardle.example.com/v1alpha1/namespaces/${n}/flunders`;
    const ceiling = await cannon('ceiling: bare Fastify HTTPS, small JSON', ceilingServer.url, tls, { path: '/' });
    const figures: Figure[] = [];
    figures.push(
      await cannon('create (generateName, synced to disk)', server.url, tls, {
        method: 'POST',
        path: ns('create'),
        body: { apiVersion: 'wardle.example.com/v1alpha1', kind: 'Flunder', metadata: { generateName: 'b-' }, spec: { reference: 'r' } },
      }),
    );
    await fill(server.url, tls, ns('small'), 100);
    figures.push(await cannon('get one object', server.url, tls, { path: `${ns('small')}/obj-1` }));
    figures.push(await cannon('list 100 objects', server.url, tls, { path: ns('small') }));
    await fill(server.url, tls, ns('large'), 10_000);
    figures.push(await cannon('list 10,000 objects', server.url, tls, { path: ns('large') }));
    figures.push(await watchDelivery(server.url, tls, ns('watched'), 500));
    const chain = await chainCost(dataDir, figures[1] as Figure);
    figures.push(chain.figure);
    print(figures, ceiling);
    console.log(
      `\nthe delegated chain (front-proxy certificate, identity headers, SubjectAccessReview from a warm cache) costs ` +
        `${chain.microseconds.toFixed(0)} us of server time per request beside local mode (client certificate, no review): ` +
        `1/${chain.figure.rps.toFixed(0)} s - 1/${(figures[1] as Figure).rps.toFixed(0)} s`,
    );

    const kube = await benchKubeApiserver(resolve(import.meta.dirname, '..'));
    const direct: Operations = { create: figures[0] as Figure, get: figures[1] as Figure, list: figures[2] as Figure };
    printAgainstKubeApiserver(kube, direct);
  } finally {
    server.child.kill('SIGTERM');
    ceilingServer.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
