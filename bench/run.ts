/**
 * `npm run bench`: throughput and latency of the real server (built `dist/`, local mode, LevelDB on disk) over
 * TLS with client certificates and keep-alive, driven by autocannon from this process while the server runs in
 * its own. Also a bare Fastify HTTPS server answering a small JSON body: the ceiling, for ratios; and the same
 * operations against a real kube-apiserver, as a CRD and through its aggregation layer to us (kube-apiserver.ts).
 * Figures are medians of the runs; the machines are shared and noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { localAdminTls, cannon, CONNECTIONS, type Figure, fill, RUNS, SECONDS, startServer } from './cannon.js';
import { ETCD_VERSION, KUBERNETES_VERSION } from '../test/e2e/components.js';
import { ADMISSION_PLUGINS } from '../src/cmd/options/admission.js';
import { benchAdmission } from './admission.js';
import { benchFieldManager } from './field-manager.js';
import { benchKubeApiserver, type KubeApiserverFigures, OPERATIONS } from './kube-apiserver.js';
import { startReviewer } from './reviewer.js';
import { benchScale, scalesFromEnv } from './scale.js';
import { watchFanOut } from './watch.js';

/**
 * The same GET through `serve`: front-proxy certificate and X-Remote-* headers, SubjectAccessReview answered
 * by a stand-in reviewer and then from the cache. Per-request server time is 1/throughput while the
 * server's one thread is saturated, so the chain's cost is the difference of the two inverses.
 */
async function chainCost(dataDir: string, local: Figure): Promise<{ figure: Figure; microseconds: number }> {
  const reviewer = await startReviewer(join(dataDir, 'serve'));
  const served = await startServer([
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
    // Gets only, which admission never sees; the stand-in reviewer serves nothing admission watches.
    `--disable-admission-plugins=${ADMISSION_PLUGINS.join(',')}`,
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
function printRow(name: string, f: Figure, ratios: string[], ratioWidth: number, nameWidth = 52): void {
  console.log(
    name.padEnd(nameWidth),
    f.rps.toFixed(0).padStart(9),
    f.p50.toFixed(2).padStart(8),
    f.p99.toFixed(2).padStart(8),
    ...ratios.map((r) => r.padStart(ratioWidth)),
  );
}

function print(figures: Figure[], ceiling: Figure): void {
  console.log(`\nmedians of ${RUNS} runs of ${SECONDS}s, ${CONNECTIONS} connections, TLS with client certificates, keep-alive`);
  console.log('scenario'.padEnd(52), 'req/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), '  of ceiling');
  for (const f of [ceiling, ...figures]) {
    printRow(f.name, f, [f === ceiling ? '' : `${((f.rps / ceiling.rps) * 100).toFixed(1)}%`], 12);
  }
}

/** Each operation four ways, with ratios to kube-apiserver serving the same objects as a CRD, and etcd's to LevelDB's. */
function printAgainstKubeApiserver(kube: KubeApiserverFigures): void {
  console.log(
    `\nagainst kube-apiserver ${KUBERNETES_VERSION} (etcd ${ETCD_VERSION}, fsync on), same machine, same load; ratios of req/s to the CRD`,
  );
  const width =
    Math.max(...OPERATIONS.flatMap((op) => [kube.crd, kube.aggregated, kube.etcd, kube.leveldb].map((w) => w[op].name.length))) + 2;
  console.log(
    'scenario'.padEnd(width),
    'req/s'.padStart(9),
    'p50 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'vs CRD'.padStart(13),
    'of LevelDB'.padStart(13),
  );
  for (const op of OPERATIONS) {
    const crd = kube.crd[op];
    const vsCrd = (f: Figure): string => `${(f.rps / crd.rps).toFixed(2)}x`;
    printRow(crd.name, crd, [], 13, width);
    printRow(kube.aggregated[op].name, kube.aggregated[op], [vsCrd(kube.aggregated[op])], 13, width);
    const etcd = kube.etcd[op];
    printRow(etcd.name, etcd, [vsCrd(etcd), `${((etcd.rps / kube.leveldb[op].rps) * 100).toFixed(0)}%`], 13, width);
    printRow(kube.leveldb[op].name, kube.leveldb[op], [vsCrd(kube.leveldb[op])], 13, width);
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const server = await startServer(['dist/main.js', 'local', '--data-dir', dataDir, '--secure-port', '0', '--log-level', 'warn']);
  const ceilingServer = await startServer(['--import', 'tsx', 'bench/ceiling.ts', join(dataDir, 'local')]);
  try {
    const tls = localAdminTls(dataDir);
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
    figures.push(await watchFanOut(server.url, tls, ns('watched'), 1, 500));
    const chain = await chainCost(dataDir, figures[1] as Figure);
    figures.push(chain.figure);
    print(figures, ceiling);
    console.log(
      `\nthe delegated chain (front-proxy certificate, identity headers, SubjectAccessReview from a warm cache) costs ` +
        `${chain.microseconds.toFixed(0)} us of server time per request beside local mode (client certificate, no review): ` +
        `1/${chain.figure.rps.toFixed(0)} s - 1/${(figures[1] as Figure).rps.toFixed(0)} s`,
    );

    const fm = await benchFieldManager();
    console.log(
      `\nthe field manager, in process, per write: create ${fm.create.toFixed(1)} us, update ${fm.update.toFixed(1)} us, ` +
        `server-side apply ${fm.apply.toFixed(1)} us (a create's share of server time: ${((fm.create * (figures[0] as Figure).rps) / 1e4).toFixed(1)}% at ${(figures[0] as Figure).rps.toFixed(0)} req/s)`,
    );

    const adm = await benchAdmission();
    const createUs = 1e6 / (figures[0] as Figure).rps;
    console.log(
      `\nthe admission chain, in process, per create (the server's time per create is ${createUs.toFixed(0)} us): ` +
        `no policies or webhooks ${adm.none.toFixed(1)} us, one ValidatingAdmissionPolicy with a param ${adm.policy.toFixed(1)} us ` +
        `(${(adm.policy / adm.none).toFixed(1)}x), one validating webhook over HTTPS ${adm.webhook.toFixed(0)} us ` +
        `(${(adm.webhook / createUs).toFixed(2)}x a create)`,
    );

    const scale = await benchScale(scalesFromEnv());
    console.log('\nmemory and start-up by collection size (local mode, LevelDB, objects of about 1 KB; BENCH_SCALE=n,n,...)');
    console.log('objects'.padStart(10), 'start ms'.padStart(9), 'RSS MiB'.padStart(8), 'peak RSS MiB over two full lists'.padStart(33));
    for (const f of scale) {
      console.log(
        f.objects.toLocaleString('en-US').padStart(10),
        String(f.startMs).padStart(9),
        f.rssMiB.toFixed(0).padStart(8),
        f.peakMiB.toFixed(0).padStart(33),
      );
    }

    const kube = await benchKubeApiserver(resolve(import.meta.dirname, '..'));
    printAgainstKubeApiserver(kube);
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
