/**
 * The comparison's report: per operation, each subject's rounds summarised (req/s median with min and max;
 * the medians of p50 and p99; for watches, missed and duplicated events summed over the rounds), with ratios
 * of the medians to kube-apiserver serving the CRD and to the Go sample-apiserver; printed as one table and
 * kept for the JSON file.
 */
import type { Sample } from './cannon.js';
import type { Operation } from './operations.js';
import { type Outcome, type Spread, spread } from './rounds.js';
import { median } from './cannon.js';
import type { Subject, SubjectKey } from './subjects.js';
import type { WatchSample } from './watch.js';

export interface Cell {
  subject: SubjectKey;
  name: string;
  rounds: number;
  /** Messages of the rounds that failed. */
  errors: string[];
  rps?: Spread;
  p50?: number;
  p99?: number;
  /** Watch only: summed over the rounds. */
  writes?: number;
  /** Deliveries due: writes times watchers. */
  expected?: number;
  missed?: number;
  duplicated?: number;
  /**
   * Operations that write, per round in round order: the figure compared (req/s, or a watch's p99 in ms), and
   * the disk's slowest fdatasync beside it (ms).
   */
  byRound?: number[];
  syncMaxMs?: number[];
  /** Of req/s medians (higher is better); for a watch, of p99 delivery latencies (lower is better). */
  vsCrd?: number;
  vsSample?: number;
}

export interface OperationReport {
  operation: string;
  title: string;
  /** What the ratios compare. */
  ratioOf: 'req/s' | 'p99 latency';
  cells: Cell[];
}

const isWatch = (s: Sample): s is WatchSample => 'missed' in s;

export function summarise(op: Operation, outcomes: Map<Subject, Outcome<Sample | WatchSample>[]>): OperationReport {
  const ratioOf = op.name === 'watch' ? 'p99 latency' : 'req/s';
  const cells: Cell[] = [];
  for (const [subject, results] of outcomes) {
    const samples = results.flatMap((r) => (r.ok ? [r.value] : []));
    const cell: Cell = {
      subject: subject.key,
      name: subject.name,
      rounds: results.length,
      errors: results.flatMap((r) => (r.ok ? [] : [r.error])),
    };
    if (samples.length > 0) {
      cell.rps = spread(samples.map((s) => s.rps));
      cell.p50 = median(samples.map((s) => s.p50));
      cell.p99 = median(samples.map((s) => s.p99));
      if (samples.some((s) => s.syncMaxMs !== undefined)) {
        cell.byRound = samples.map((s) => (ratioOf === 'req/s' ? s.rps : s.p99));
        cell.syncMaxMs = samples.map((s) => s.syncMaxMs ?? Number.NaN);
      }
      const watches = samples.filter(isWatch);
      if (watches.length > 0) {
        cell.writes = watches.reduce((a, w) => a + w.writes, 0);
        cell.expected = watches.reduce((a, w) => a + w.delivered + w.missed, 0);
        cell.missed = watches.reduce((a, w) => a + w.missed, 0);
        cell.duplicated = watches.reduce((a, w) => a + w.duplicated, 0);
      }
    }
    cells.push(cell);
  }
  const ratio = (c: Cell, ref: Cell | undefined): number | undefined => {
    if (!ref || c === ref) return undefined;
    if (ratioOf === 'req/s') return c.rps && ref.rps ? c.rps.median / ref.rps.median : undefined;
    return c.p99 !== undefined && ref.p99 ? c.p99 / ref.p99 : undefined;
  };
  const crd = cells.find((c) => c.subject === 'crd' && c.rps);
  const sample = cells.find((c) => c.subject === 'sample' && c.rps);
  for (const c of cells) {
    c.vsCrd = ratio(c, crd);
    c.vsSample = ratio(c, sample);
  }
  return { operation: op.name, title: op.title, ratioOf, cells };
}

const NAME = 46;
const num = (x: number | undefined, digits: number, width: number): string => (x === undefined ? '' : x.toFixed(digits)).padStart(width);
const times = (x: number | undefined): string => (x === undefined ? '' : `${x.toFixed(2)}x`).padStart(9);

/** A write operation's rounds: each figure beside the disk's slowest sync in that round, so a stall of the disk is seen as one. */
function byRound(c: Cell, ratioOf: OperationReport['ratioOf']): string {
  if (!c.byRound || !c.syncMaxMs) return '';
  const slash = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join('/');
  const figure = ratioOf === 'req/s' ? `req/s by round ${slash(c.byRound)}` : `p99 by round ${slash(c.byRound)} ms`;
  return `${figure}, the disk's slowest fdatasync ${slash(c.syncMaxMs)} ms`;
}

/** One table: a heading per operation, a row per subject. */
export function printReport(reports: OperationReport[], header: string): void {
  console.log(`\n${header}`);
  console.log(
    'subject'.padEnd(NAME),
    'req/s median [min-max]'.padStart(26),
    'p50 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'vs CRD'.padStart(9),
    'vs sample'.padStart(9),
  );
  for (const r of reports) {
    const watch = r.ratioOf === 'p99 latency';
    console.log(`${r.title}${watch ? ' (events delivered/s; ratios of p99 latency, lower is better)' : ''}`);
    for (const c of r.cells) {
      // Lists of 10,000 run at a few per second: a decimal there, none where there are hundreds.
      const d = c.rps && c.rps.median < 100 ? 1 : 0;
      const rps = c.rps ? `${c.rps.median.toFixed(d)} [${c.rps.min.toFixed(d)}-${c.rps.max.toFixed(d)}]` : '';
      const failed = c.errors.length > 0 ? `  ${c.errors.length}/${c.rounds} failed: ${c.errors[0]?.slice(0, 160)}` : '';
      const events = c.missed !== undefined ? `missed ${c.missed}, duplicated ${c.duplicated} of ${c.expected} deliveries` : '';
      const notes = [events, byRound(c, r.ratioOf)].filter((n) => n !== '').join('; ');
      console.log(
        `  ${c.name}`.padEnd(NAME),
        rps.padStart(26),
        num(c.p50, 2, 8),
        num(c.p99, 2, 8),
        times(c.vsCrd),
        times(c.vsSample),
        `${notes ? `  ${notes}` : ''}${failed}`,
      );
    }
  }
}
