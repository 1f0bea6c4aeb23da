/**
 * `aggregated-apiserver restore`: loads a backup into an empty store of either backend, with the server's
 * storage flags, before the server starts on it. Objects keep their names, uids, creation timestamps,
 * labels, annotations, finalizers and owner references (they are written whole, as stored); only their
 * resourceVersions are the new store's. The file is checked whole first: a truncated or corrupt one restores
 * nothing. Afterwards the store forgets its history, so that a client holding a resourceVersion of the old
 * store gets 410 Expired (or, above the new store's, ResourceVersionTooLarge) and relists, never reads the
 * restore's writes as changes.
 */
import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { newStorage } from '../storage/factory.js';
import { CommandOptions, type Flags, type OptionGroup } from './options/group.js';
import { StorageOptions } from './options/storage.js';

class RestoreSourceOptions {
  input: string | undefined = undefined;

  addFlags(cmd: Command): void {
    cmd.option('-i, --input <file>', 'the backup file to load');
  }

  validate(): string[] {
    return this.input ? [] : ['--input is required (a file written by `aggregated-apiserver backup`)'];
  }
}

export type RestoreFlags = Flags<StorageOptions> & Flags<RestoreSourceOptions>;

export class RestoreOptions extends CommandOptions<RestoreFlags> {
  readonly storage = new StorageOptions(true);
  readonly source = new RestoreSourceOptions();

  protected groups(): OptionGroup[] {
    return [this.storage, this.source];
  }
}

export function addRestoreCommand(program: Command): void {
  const opts = new RestoreOptions();
  opts
    .addFlags(program.command('restore'))
    .description('load a backup into an empty store (LevelDB under --data-dir, or etcd), before the server starts on it')
    .action(async (flags: Partial<RestoreFlags>) => {
      const { count, resourceVersion } = await runRestore(opts.applyFlags(flags));
      process.stderr.write(`restored ${count} objects; the store is at resourceVersion ${resourceVersion}\n`);
    });
}

export async function runRestore(opts: RestoreOptions): Promise<{ count: number; resourceVersion: number }> {
  const errs = opts.validate();
  if (errs.length > 0) throw new Error(errs.join('; '));
  const path = opts.source.input as string;
  // Loaded here, not at start: only backup and restore read or write the file format.
  const [{ createInterface }, format] = await Promise.all([import('node:readline'), import('../backup/format.js')]);
  const lines = () => createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  const reader = await format.BackupReader.open(lines).catch((err: unknown) => {
    if (err instanceof format.BackupError) throw new Error(`${path}: ${err.message}; nothing was restored`);
    throw err;
  });
  const storage = await newStorage(opts.storage.toConfig());
  await storage.open();
  try {
    const present = await storage.list('/', { limit: 1 });
    if (present.items.length > 0) {
      throw new Error('the store is not empty: restore loads a backup into an empty store only; nothing was restored');
    }
    let count = 0;
    for await (const { key, object } of reader.entries()) {
      await storage.create(key, object);
      count++;
    }
    await storage.forgetHistory();
    return { count, resourceVersion: await storage.currentResourceVersion() };
  } finally {
    await storage.close();
  }
}
