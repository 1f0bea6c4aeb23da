/**
 * The operations every subject is measured on, each with the objects it needs first: writes (create, a merge
 * patch, a server-side apply), reads (one object, 100, 10,000 as JSON and as the Table kubectl get asks for),
 * and watch delivery to 100 watchers under paced creates.
 */
import { fill, getJson, SECONDS, type Sample, shoot, type Shot } from './cannon.js';
import type { Subject } from './subjects.js';
import { type WatchLoad, type WatchSample, watchDelivery } from './watch.js';

export const OPERATIONS = ['create', 'update', 'apply', 'get', 'list', 'largeList', 'tableList', 'watch'] as const;
export type OperationName = (typeof OPERATIONS)[number];

const SMALL = 100;
const LARGE = 10_000;
/** What kubectl get sends (its first choice). */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';
export const WATCH_LOAD: WatchLoad = { watchers: 100, rate: 200, seconds: SECONDS };
/** A list of 10,000 is about 3 MB: a few connections saturate a server, more only queue. */
export const LARGE_LIST_CONNECTIONS = 4;

export interface Operation {
  name: OperationName;
  title: string;
  /** The collection each subject fills first: 100 objects in `small`, or 10,000 in `large`. */
  needs?: 'small' | 'large';
  /** Once per subject, before the rounds: that the answer is what the operation claims to measure. */
  check?: (s: Subject) => Promise<void>;
  /** Once per subject, before the rounds, not recorded: what a server that has been running would have done. */
  warmUp?: (s: Subject) => Promise<unknown>;
  measure: (s: Subject, round: number) => Promise<Sample | WatchSample>;
  /** Each request waits for the subject's disk sync: the disk is sampled beside every round (sync-probe.ts). */
  writes?: true;
}

const collection = (s: Subject, namespace: string): string => `/apis/${s.group}/v1alpha1/namespaces/${namespace}/flunders`;
const apiVersion = (s: Subject): string => `${s.group}/v1alpha1`;
const object = (s: Subject, n: number): string => `${collection(s, 'small')}/obj-${n % SMALL}`;

const subjectJson = (s: Subject, path: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> =>
  getJson(s.url, s.tls, path, { ...s.headers, ...headers });

function load(s: Subject, shot: Shot): Promise<Sample> {
  return shoot(s.name, s.url, s.tls, { ...shot, headers: { ...s.headers, ...shot.headers } });
}

function expectCount(s: Subject, what: string, got: unknown, want: number): void {
  if (!Array.isArray(got) || got.length !== want) {
    throw new Error(`${s.name}: ${what} has ${Array.isArray(got) ? got.length : 'no'} entries, not ${want}`);
  }
}

export const OPERATION_TABLE: Operation[] = [
  {
    name: 'create',
    title: 'create (generateName)',
    writes: true,
    measure: (s) =>
      load(s, {
        method: 'POST',
        path: collection(s, 'create'),
        body: { apiVersion: apiVersion(s), kind: 'Flunder', metadata: { generateName: 'b-' }, spec: { reference: 'r' } },
      }),
  },
  {
    name: 'update',
    title: 'update (merge patch of a label, over 100 objects)',
    writes: true,
    needs: 'small',
    measure: (s) =>
      load(s, {
        method: 'PATCH',
        path: object(s, 0),
        headers: { 'content-type': 'application/merge-patch+json' },
        vary: (n) => ({ path: object(s, n), body: { metadata: { labels: { n: String(n) } } } }),
      }),
  },
  {
    name: 'apply',
    title: 'server-side apply (a label, over 100 objects)',
    writes: true,
    needs: 'small',
    measure: (s) =>
      load(s, {
        method: 'PATCH',
        path: object(s, 0),
        headers: { 'content-type': 'application/apply-patch+yaml' },
        vary: (n) => ({
          path: `${object(s, n)}?fieldManager=bench&force=true`,
          body: {
            apiVersion: apiVersion(s),
            kind: 'Flunder',
            metadata: { name: `obj-${n % SMALL}`, labels: { applied: String(n) } },
            spec: { reference: 'applied' },
          },
        }),
      }),
  },
  {
    name: 'get',
    title: 'get one object',
    needs: 'small',
    measure: (s) => load(s, { path: object(s, 1) }),
  },
  {
    name: 'list',
    title: 'list 100 objects',
    needs: 'small',
    check: async (s) => expectCount(s, 'the list of 100', (await subjectJson(s, collection(s, 'small'))).items, SMALL),
    measure: (s) => load(s, { path: collection(s, 'small') }),
  },
  {
    name: 'largeList',
    title: 'list 10,000 objects as JSON',
    needs: 'large',
    check: async (s) => expectCount(s, 'the list of 10,000', (await subjectJson(s, collection(s, 'large'))).items, LARGE),
    measure: (s) => load(s, { path: collection(s, 'large'), connections: LARGE_LIST_CONNECTIONS }),
  },
  {
    name: 'tableList',
    title: 'list 10,000 objects as a Table (kubectl get)',
    needs: 'large',
    check: async (s) => {
      const table = await subjectJson(s, collection(s, 'large'), { accept: TABLE_ACCEPT });
      if (table.kind !== 'Table') throw new Error(`${s.name}: answered a ${String(table.kind)} for a Table`);
      expectCount(s, 'the Table of 10,000', table.rows, LARGE);
    },
    measure: (s) => load(s, { path: collection(s, 'large'), connections: LARGE_LIST_CONNECTIONS, headers: { accept: TABLE_ACCEPT } }),
  },
  {
    name: 'watch',
    title: `watch: ${WATCH_LOAD.watchers} watchers, creates at ${WATCH_LOAD.rate}/s for ${WATCH_LOAD.seconds}s, after a 1 s warm-up`,
    // A process's first burst of watches pays for compiling its fan-out (V8 compiles it on first use; Go
    // ahead of time): that round's p99 was 2-5x the next ones', and a server in service has long paid it.
    warmUp: (s) => watchDelivery(s, collection(s, 'watched'), apiVersion(s), 'wux', { ...WATCH_LOAD, seconds: 1 }),
    writes: true,
    measure: (s, round) => watchDelivery(s, collection(s, 'watched'), apiVersion(s), `w${round}x`, WATCH_LOAD),
  },
];

const filled = new Map<string, Promise<void>>();

/** Fills the collection `op` needs on `s`, once per subject; the ceiling (and its calibration copies) keeps nothing. */
export function prepare(op: Operation, s: Subject): Promise<void> {
  if (!op.needs || s.key.startsWith('ceiling')) return Promise.resolve();
  const key = `${s.key}/${op.needs}`;
  let done = filled.get(key);
  if (!done) {
    done = fill(s.url, s.tls, collection(s, op.needs), op.needs === 'small' ? SMALL : LARGE, apiVersion(s), s.headers);
    filled.set(key, done);
  }
  return done;
}
