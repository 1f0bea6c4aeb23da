/**
 * `aggregated-apiserver local`: the embedded default. Creates once, under `<data-dir>/local`, a CA, a serving
 * certificate and an admin client certificate, writes a kubeconfig for kubectl, and serves the API from
 * LevelDB under `<data-dir>/leveldb`, authenticating client certificates of that CA.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureLocalCertificates, writeKubeconfig } from '../server/certificates/index.js';
import { Metrics } from '../metrics/metrics.js';
import type { ConnectionOptions } from '../server/connections.js';
import { APIServer } from '../server/server.js';
import { newStorage } from '../storage/factory.js';
import { auditConfig } from './audit.js';
import { loadServedDefinitions } from './definitions.js';
import { localChainConfig } from './local-chain.js';
import { type Options, validateOptions } from './options.js';
import { runUntilSignalled } from './run.js';

export interface LocalServer {
  server: APIServer;
  /** `https://127.0.0.1:<port>` */
  url: string;
  kubeconfigPath: string;
  ca: string;
  adminCert: string;
  adminKey: string;
}

/** `tuning` is for tests: shorter connection timeouts than kube-apiserver's. */
export async function startLocal(opts: Options, tuning: { connections?: ConnectionOptions } = {}): Promise<LocalServer> {
  const errs = validateOptions(opts);
  if (errs.length > 0) throw new Error(errs.join('; '));
  const dataDir = resolve(opts.dataDir);
  const localDir = join(dataDir, 'local');
  await ensureLocalCertificates(localDir);
  const [ca, servingCert, servingKey, adminCert, adminKey] = await Promise.all(
    ['ca.crt', 'serving.crt', 'serving.key', 'admin.crt', 'admin.key'].map((f) => readFile(join(localDir, f), 'utf8')),
  ) as [string, string, string, string, string];
  const definitions = await loadServedDefinitions(opts.apiDefinitions);
  const metrics = new Metrics();
  const server = new APIServer({
    bindAddress: opts.bindAddress,
    securePort: opts.securePort,
    tls: { cert: servingCert, key: servingKey, ca },
    definitions,
    storage: newStorage({ backend: 'leveldb', path: join(dataDir, 'leveldb'), historySize: opts.eventHistorySize, historyBytes: opts.eventHistoryBytes }),
    chain: { ...localChainConfig(ca, opts), metrics, audit: await auditConfig(opts, metrics) },
    logger: opts.logLevel === 'silent' ? false : { level: opts.logLevel },
    connections: tuning.connections,
  });
  await server.start();
  const host = opts.bindAddress === '0.0.0.0' ? '127.0.0.1' : opts.bindAddress;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${server.port()}`;
  const kubeconfigPath = join(localDir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, { server: url, caPem: ca, clientCertPem: adminCert, clientKeyPem: adminKey, user: 'admin' });
  return { server, url, kubeconfigPath, ca, adminCert, adminKey };
}

export async function runLocal(opts: Options): Promise<void> {
  const local = await startLocal(opts);
  process.stdout.write(startupHint(local, resolve(opts.dataDir)));
  runUntilSignalled(local.server, opts.shutdownDelayDuration);
}

/** What to type next, for the API actually served, with absolute paths (the hint is copied to other shells). */
export function startupHint(local: LocalServer, dataDir: string): string {
  const defs = local.server.definitions;
  const first = defs.find((d) => d.versions.some((v) => v.served));
  const groups = [...new Set(defs.map((d) => d.group))];
  const lines = [
    `aggregated-apiserver is serving on ${local.url}`,
    `Its data and certificates are in ${dataDir}`,
    'Use it with:',
    `  export KUBECONFIG=${local.kubeconfigPath}`,
    ...groups.map((g) => `  kubectl api-resources --api-group=${g}`),
  ];
  if (first) lines.push(`  kubectl get ${first.names.plural}${first.scope === 'Namespaced' ? ' -A' : ''}`);
  return `${lines.join('\n')}\n`;
}
