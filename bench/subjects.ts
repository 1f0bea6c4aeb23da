/**
 * The subjects the benchmark compares that need no control plane: the bare Fastify ceiling, and our server
 * reached directly, as `serve` (front-proxy certificate, X-Remote-* headers, SubjectAccessReview answered by
 * a stand-in reviewer and then from the cache) and in `local` mode (admin client certificate, no review).
 * Both on LevelDB, each in its own process from the built `dist/`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMISSION_PLUGINS } from '../src/cmd/options/admission.js';
import { localAdminTls, startServer } from './cannon.js';
import type { OperationName } from './operations.js';
import { startReviewer } from './reviewer.js';
import type { Target } from './watch.js';

export type SubjectKey = 'ceiling' | 'ceiling+20us' | 'ceiling+40us' | 'serve' | 'local' | 'crd' | 'aggregated' | 'sample';

/** The microseconds of busy work the calibration subjects add to each of the ceiling's requests (get only). */
export const CALIBRATION_WORK_US = [20, 40] as const;

export interface Subject extends Target {
  key: SubjectKey;
  name: string;
  /** The API group its Flunders are served in. */
  group: string;
  /** The operations it can do; all when absent. */
  operations?: readonly OperationName[];
}

export interface Running {
  subjects: Subject[];
  stop: () => Promise<void>;
}

const WARDLE = 'wardle.example.com';

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await exited;
}

export async function startOwnSubjects(): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const local = await startServer(['dist/main.js', 'local', '--data-dir', dir, '--secure-port', '0', '--log-level', 'warn']);
    stops.push(() => stopChild(local.child));
    const ceiling = await startServer(['--import', 'tsx', 'bench/ceiling.ts', join(dir, 'local')]);
    stops.push(() => stopChild(ceiling.child));
    const adminTls = localAdminTls(dir);
    const calibration: Subject[] = [];
    for (const us of CALIBRATION_WORK_US) {
      const c = await startServer(['--import', 'tsx', 'bench/ceiling.ts', join(dir, 'local'), String(us)]);
      stops.push(() => stopChild(c.child));
      calibration.push({
        key: `ceiling+${us}us`,
        name: `calibration: the ceiling + ${us} us of work`,
        url: c.url,
        tls: adminTls,
        headers: {},
        group: WARDLE,
        operations: ['get'],
      });
    }
    const reviewer = await startReviewer(join(dir, 'serve'));
    stops.push(async () => reviewer.close());
    const serve = await startServer([
      'dist/main.js',
      'serve',
      '--secure-port',
      '0',
      '--bind-address',
      '127.0.0.1',
      '--log-level',
      'warn',
      '--data-dir',
      join(dir, 'serve', 'data'),
      '--tls-cert-file',
      reviewer.servingCertFile,
      '--tls-private-key-file',
      reviewer.servingKeyFile,
      '--kubeconfig',
      reviewer.kubeconfig,
      // The stand-in reviewer serves nothing admission watches (namespaces, policies, webhooks).
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
    stops.push(() => stopChild(serve.child));
    const subjects: Subject[] = [
      {
        key: 'ceiling',
        name: 'ceiling: bare Fastify mTLS, small JSON',
        url: ceiling.url,
        tls: adminTls,
        headers: {},
        group: WARDLE,
        operations: ['create', 'update', 'apply', 'get'],
      },
      ...calibration,
      {
        key: 'serve',
        name: 'ours direct: serve (front proxy, SAR cache)',
        url: serve.url,
        tls: { ca: reviewer.ca, cert: reviewer.frontProxy.cert, key: reviewer.frontProxy.key },
        headers: { 'X-Remote-User': 'alice', 'X-Remote-Group': 'bench' },
        group: WARDLE,
      },
      { key: 'local', name: 'ours direct: local (client cert)', url: local.url, tls: adminTls, headers: {}, group: WARDLE },
    ];
    return {
      subjects,
      stop: async () => {
        for (const stop of stops.reverse()) await stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
