/**
 * `aggregated-apiserver local`: the embedded default. Creates once, under `<data-dir>/local`, a CA, a serving
 * certificate and an admin client certificate, writes a kubeconfig for kubectl, and serves the API from
 * LevelDB under `<data-dir>/leveldb`, authenticating client certificates of that CA.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseBundle } from '../authentication/x509.js';
import { Metrics } from '../metrics/metrics.js';
import { ensureLocalCertificates, writeKubeconfig } from '../server/certificates/local.js';
import type { ConnectionOptions } from '../server/connections.js';
import { APIServer } from '../server/server.js';
import { newStorage } from '../storage/factory.js';
import { localChainConfig } from './local-chain.js';
import { APIDefinitionsOptions } from './options/api-definitions.js';
import { AuditOptions } from './options/audit.js';
import { CommandOptions, type Flags, type OptionGroup } from './options/group.js';
import { ServerRunOptions } from './options/server-run.js';
import { SecureServingOptions } from './options/serving.js';
import { StorageOptions } from './options/storage.js';
import { runUntilSignalled } from './run.js';

export type LocalFlags = Flags<SecureServingOptions> &
  Flags<APIDefinitionsOptions> &
  Flags<StorageOptions> &
  Flags<ServerRunOptions> &
  Flags<AuditOptions>;

export class LocalOptions extends CommandOptions<LocalFlags> {
  readonly serving = new SecureServingOptions({ securePort: 8443, bindAddress: '127.0.0.1' });
  readonly definitions = new APIDefinitionsOptions();
  readonly storage = new StorageOptions(false);
  readonly server = new ServerRunOptions();
  readonly audit = new AuditOptions();

  protected groups(): OptionGroup[] {
    return [this.serving, this.definitions, this.storage, this.server, this.audit];
  }
}

export function addLocalCommand(program: Command): void {
  const opts = new LocalOptions();
  opts
    .addFlags(program.command('local'))
    .description('serve on this machine with no cluster: a local CA, client-certificate authentication, embedded storage')
    .action((flags: Partial<LocalFlags>) => runLocal(opts.applyFlags(flags)));
}

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
export async function startLocal(opts: LocalOptions, tuning: { connections?: ConnectionOptions } = {}): Promise<LocalServer> {
  const errs = opts.complete().validate();
  if (errs.length > 0) throw new Error(errs.join('; '));
  const localDir = join(opts.storage.dataDirectory, 'local');
  await ensureLocalCertificates(localDir);
  const [ca, servingCert, servingKey, adminCert, adminKey] = (await Promise.all(
    ['ca.crt', 'serving.crt', 'serving.key', 'admin.crt', 'admin.key'].map((f) => readFile(join(localDir, f), 'utf8')),
  )) as [string, string, string, string, string];
  const definitions = await opts.definitions.load();
  const metrics = new Metrics();
  const servingCerts = parseBundle(servingCert);
  const clientCA = parseBundle(ca);
  metrics.watchCertificates('serving', () => servingCerts);
  metrics.watchCertificates('client-ca', () => clientCA);
  const server = new APIServer({
    ...opts.serving.toConfig(),
    tls: { cert: servingCert, key: servingKey, ca },
    definitions,
    storage: await newStorage(opts.storage.toConfig()),
    chain: {
      ...localChainConfig(ca),
      metrics,
      maxInFlight: opts.server.maxInFlight(),
      httpLog: opts.server.httpLog(),
      audit: await opts.audit.toConfig(metrics),
    },
    logger: opts.server.logger(),
    connections: tuning.connections,
  });
  await server.start();
  const host = opts.serving.bindAddress === '0.0.0.0' ? '127.0.0.1' : opts.serving.bindAddress;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${server.port()}`;
  const kubeconfigPath = join(localDir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, { server: url, caPem: ca, clientCertPem: adminCert, clientKeyPem: adminKey, user: 'admin' });
  return { server, url, kubeconfigPath, ca, adminCert, adminKey };
}

export async function runLocal(opts: LocalOptions): Promise<void> {
  const local = await startLocal(opts);
  process.stdout.write(startupHint(local, opts.storage.dataDirectory));
  runUntilSignalled(local.server, opts.server.shutdownDelayDuration);
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
