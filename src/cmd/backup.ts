/**
 * `aggregated-apiserver backup`: a consistent snapshot of every object the server stores, online, through
 * the API with a kubeconfig (through the aggregator, or to a server directly), whatever its backend. The first
 * resource is listed at the current state; its resourceVersion R is then read at exactly R for every other
 * resource (`resourceVersionMatch=Exact`), so the file holds one point in time even under a write load.
 * Objects are read in their storage version; the file's format is in `backup/format.ts`.
 */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import type { KubeObject } from '../apimachinery/types.js';
import type { ResourceDefinition } from '../registry/definitions/types.js';
import { objectKey } from '../registry/keys.js';
import { Cluster, statusMessage } from '../server/cluster-client.js';
import { APIDefinitionsOptions } from './options/api-definitions.js';
import { CommandOptions, type Flags, type OptionGroup } from './options/group.js';

class BackupTargetOptions {
  kubeconfig: string | undefined = undefined;
  output: string | undefined = undefined;

  addFlags(cmd: Command): void {
    cmd
      .option('--kubeconfig <path>', 'kubeconfig of a user who may list every served resource (default: $KUBECONFIG or ~/.kube/config)')
      .option('-o, --output <file>', 'where to write the backup; - for standard output');
  }

  validate(): string[] {
    return this.output ? [] : ['--output is required (a file, or - for standard output)'];
  }
}

export type BackupFlags = Flags<APIDefinitionsOptions> & Flags<BackupTargetOptions>;

export class BackupOptions extends CommandOptions<BackupFlags> {
  readonly definitions = new APIDefinitionsOptions();
  readonly target = new BackupTargetOptions();

  protected groups(): OptionGroup[] {
    return [this.definitions, this.target];
  }
}

export function addBackupCommand(program: Command): void {
  const opts = new BackupOptions();
  opts
    .addFlags(program.command('backup'))
    .description('write every stored object, read at one resourceVersion, to a file (online, either backend)')
    .action(async (flags: Partial<BackupFlags>) => {
      const { count, resourceVersion } = await runBackup(opts.applyFlags(flags));
      process.stderr.write(`backed up ${count} objects at resourceVersion ${resourceVersion}\n`);
    });
}

interface ListPage {
  items: KubeObject[];
  metadata: { resourceVersion: string; continue?: string };
}

export async function runBackup(opts: BackupOptions): Promise<{ count: number; resourceVersion: string }> {
  const errs = opts.validate();
  if (errs.length > 0) throw new Error(errs.join('; '));
  const definitions = await opts.definitions.load();
  // Loaded here, not at start: only backup and restore read or write the file format.
  const { BackupWriter } = await import('../backup/format.js');
  const cluster = await Cluster.load(opts.target.kubeconfig);
  const get = async (path: string): Promise<ListPage> => {
    const res = await cluster.get<ListPage>(path);
    if (res.status !== 200 || !res.body) throw new Error(`GET ${path}: ${res.status}: ${statusMessage(res)}`);
    return res.body;
  };

  const out = opts.target.output === '-' ? process.stdout : createWriteStream(opts.target.output as string, { mode: 0o600 });
  const write = (chunk: string): Promise<void> =>
    new Promise((resolve, reject) => {
      out.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
  const name = (d: ResourceDefinition): string => `${d.names.plural}.${d.group}`;
  // The first page fixes the resourceVersion, which the header carries: it is read before the writer starts.
  const [first, ...rest] = definitions;
  if (!first) throw new Error('no API definitions');
  const base = (d: ResourceDefinition): string => `/apis/${d.group}/${d.storageVersion}/${d.names.plural}?limit=500`;
  const firstPage = await get(base(first));
  const resourceVersion = firstPage.metadata.resourceVersion;
  const writer = new BackupWriter(write, { resourceVersion, created: new Date().toISOString(), resources: definitions.map(name) });
  const emit = async (def: ResourceDefinition, page: ListPage): Promise<void> => {
    for (const item of page.items) {
      const object: KubeObject = { ...item, apiVersion: `${def.group}/${def.storageVersion}`, kind: def.names.kind };
      await writer.add({ key: objectKey(def, item.metadata.namespace ?? '', item.metadata.name ?? ''), object });
    }
  };
  try {
    for (const def of [first, ...rest]) {
      let page = def === first ? firstPage : await get(`${base(def)}&resourceVersion=${resourceVersion}&resourceVersionMatch=Exact`);
      await emit(def, page);
      while (page.metadata.continue) {
        page = await get(`${base(def)}&continue=${encodeURIComponent(page.metadata.continue)}`);
        await emit(def, page);
      }
    }
    const count = await writer.end();
    return { count, resourceVersion };
  } finally {
    if (out !== process.stdout) await new Promise<void>((resolve) => (out as import('node:fs').WriteStream).end(resolve));
  }
}
