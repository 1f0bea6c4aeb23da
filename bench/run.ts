/**
 * `npm run bench`: every subject on every operation it can do, in one run on one machine. Per operation the
 * subjects are measured back to back in rotated rounds (rounds.ts), BENCH_RUNS of them (3) of BENCH_SECONDS
 * each (4), so each ratio is taken between neighbours in time: the bare Fastify ceiling, our server reached
 * directly (`serve` and `local`), kube-apiserver serving Flunders as a CRD, our server through its aggregator,
 * and the Go sample-apiserver. Then what is measured in process (field manager, admission chain), and memory
 * and start-up by collection size. One table is printed; the same figures go to BENCH_JSON
 * (bench-results.json). BENCH_ONLY=get,tableList,... runs only the operations and sections named.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONNECTIONS, RUNS, type Sample, SECONDS } from './cannon.js';
import { ETCD_VERSION, KUBERNETES_VERSION, SAMPLE_APISERVER_VERSION } from '../test/e2e/components.js';
import { benchAdmission } from './admission.js';
import { benchFieldManager } from './field-manager.js';
import { startControlPlaneSubjects } from './kube-apiserver.js';
import { LARGE_LIST_CONNECTIONS, OPERATION_TABLE, OPERATIONS, prepare } from './operations.js';
import { type OperationReport, printReport, summarise } from './report.js';
import { type Outcome, rounds } from './rounds.js';
import { benchScale, printScale, scalesFromEnv } from './scale.js';
import { withSyncProbe } from './sync-probe.js';
import { CALIBRATION_WORK_US, type Running, type Subject, startOwnSubjects } from './subjects.js';
import type { WatchSample } from './watch.js';

const repoRoot = resolve(import.meta.dirname, '..');
const SECTIONS = ['fieldManager', 'admission', 'scale'] as const;

function only(): Set<string> | undefined {
  const given = process.env.BENCH_ONLY;
  if (!given) return undefined;
  const names = new Set(given.split(',').map((s) => s.trim()));
  const known = new Set<string>([...OPERATIONS, ...SECTIONS]);
  const unknown = [...names].filter((n) => !known.has(n));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return names;
}

/** Every operation chosen, each subject that can do it prepared and then measured in rotated rounds. */
async function compare(subjects: Subject[], chosen: typeof OPERATION_TABLE): Promise<OperationReport[]> {
  const reports: OperationReport[] = [];
  for (const op of chosen) {
    const able = subjects.filter((s) => !s.operations || s.operations.includes(op.name));
    const preparing = Date.now();
    const ready: Subject[] = [];
    const unready = new Map<Subject, string>();
    for (const s of able) {
      try {
        await prepare(op, s);
        await op.check?.(s);
        await op.warmUp?.(s);
        ready.push(s);
      } catch (err) {
        unready.set(s, `before the rounds: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const started = Date.now();
    const measured = await rounds(ready, RUNS, (s, round) =>
      op.writes ? withSyncProbe(() => op.measure(s, round)) : op.measure(s, round),
    );
    const outcomes = new Map<Subject, Outcome<Sample | WatchSample>[]>(
      able.map((s) => [s, measured.get(s) ?? [{ ok: false, error: unready.get(s) ?? 'not measured' }]]),
    );
    reports.push(summarise(op, outcomes));
    const seconds = (from: number, to: number): string => `${((to - from) / 1000).toFixed(0)} s`;
    console.error(
      `bench: ${op.name}: prepared in ${seconds(preparing, started)}, ${ready.length} subjects x ${RUNS} rounds in ${seconds(started, Date.now())}`,
    );
  }
  return reports;
}

/**
 * The get figures read as microseconds of server work on top of the bare ceiling. On two cores the client and
 * the server share the machine, and a slower server also makes each request cost more around it (the
 * client waits idle and is woken per response, instead of finding several ready): throughput is not
 * 1/(server time). So the ceiling is measured again with 20 and 40 us of busy work a request, and
 * 1/throughput is fitted as a line over the added work (least squares); each subject's get is then read off
 * that line, and so is what 60% of the ceiling allows.
 */
function calibratedGet(reports: OperationReport[]): string | undefined {
  const cells = reports.find((r) => r.operation === 'get')?.cells;
  const rps = (key: string): number | undefined => cells?.find((c) => c.subject === key)?.rps?.median;
  const points = [0, ...CALIBRATION_WORK_US].map((us) => ({ us, rps: rps(us === 0 ? 'ceiling' : `ceiling+${us}us`) }));
  const ceiling = points[0]?.rps;
  if (!ceiling || points.some((p) => !p.rps)) return undefined;
  const xs = points.map((p) => p.us);
  const ys = points.map((p) => 1e6 / (p.rps as number));
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const slope = xs.reduce((a, x, i) => a + (x - mx) * ((ys[i] as number) - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const intercept = my - slope * mx;
  const work = (r: number): number => (1e6 / r - intercept) / slope;
  const of = (key: string): string => {
    const r = rps(key);
    return r ? `${key} ${work(r).toFixed(0)} us (${((r / ceiling) * 100).toFixed(0)}% of the ceiling)` : '';
  };
  const serve = rps('serve');
  const local = rps('local');
  const chain = serve && local ? `; the delegated chain (serve beside local) ${(work(serve) - work(local)).toFixed(0)} us` : '';
  return (
    `
get as server work on top of the bare ceiling (1/throughput fitted over the ceiling with 0, ${CALIBRATION_WORK_US.join(' and ')} ` +
    `us of added work: each added us costs ${slope.toFixed(2)} us of throughput time): ` +
    `${[of('serve'), of('local')].filter(Boolean).join(', ')}${chain}; 60% of the ceiling allows ${work(0.6 * ceiling).toFixed(0)} us`
  );
}

async function main(): Promise<void> {
  const names = only();
  const wanted = (name: string): boolean => !names || names.has(name);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    runs: RUNS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    largeListConnections: LARGE_LIST_CONNECTIONS,
    kubernetes: KUBERNETES_VERSION,
    etcd: ETCD_VERSION,
    sampleApiserver: SAMPLE_APISERVER_VERSION,
  };

  const chosen = OPERATION_TABLE.filter((op) => wanted(op.name));
  let createRps: number | undefined;
  if (chosen.length > 0) {
    const running: Running[] = [];
    let reports: OperationReport[];
    try {
      running.push(await startOwnSubjects());
      running.push(await startControlPlaneSubjects(repoRoot));
      reports = await compare(
        running.flatMap((r) => r.subjects),
        chosen,
      );
    } finally {
      for (const r of running.reverse()) await r.stop();
    }
    printReport(
      reports,
      `${RUNS} rotated rounds of ${SECONDS} s per operation; ${CONNECTIONS} connections (${LARGE_LIST_CONNECTIONS} for lists of ` +
        `10,000), TLS with client certificates, keep-alive; kube-apiserver ${KUBERNETES_VERSION} and etcd ${ETCD_VERSION} ` +
        `(fsync on), sample-apiserver ${SAMPLE_APISERVER_VERSION}; ratios of medians`,
    );
    const calibrated = calibratedGet(reports);
    if (calibrated) console.log(calibrated);
    results.operations = reports;
    createRps = reports.find((r) => r.operation === 'create')?.cells.find((c) => c.subject === 'local')?.rps?.median;
  }

  if (wanted('fieldManager')) {
    const fm = await benchFieldManager();
    const share = createRps ? ` (a create's share of server time in local mode: ${((fm.create * createRps) / 1e4).toFixed(1)}%)` : '';
    console.log(
      `\nthe field manager, in process, per write: create ${fm.create.toFixed(1)} us, update ${fm.update.toFixed(1)} us, ` +
        `server-side apply ${fm.apply.toFixed(1)} us${share}`,
    );
    results.fieldManager = fm;
  }

  if (wanted('admission')) {
    const adm = await benchAdmission();
    const createUs = createRps ? 1e6 / createRps : undefined;
    console.log(
      `\nthe admission chain, in process, per create${createUs ? ` (the server's time per create in local mode is ${createUs.toFixed(0)} us)` : ''}: ` +
        `no policies or webhooks ${adm.none.toFixed(1)} us, one ValidatingAdmissionPolicy with a param ${adm.policy.toFixed(1)} us ` +
        `(${(adm.policy / adm.none).toFixed(1)}x), one validating webhook over HTTPS ${adm.webhook.toFixed(0)} us` +
        (createUs ? ` (${(adm.webhook / createUs).toFixed(2)}x a create)` : ''),
    );
    results.admission = adm;
  }

  if (wanted('scale')) {
    const scale = await benchScale(scalesFromEnv());
    printScale(scale);
    results.scale = scale;
  }

  const file = process.env.BENCH_JSON ?? join(repoRoot, 'bench-results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nfigures written to ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
