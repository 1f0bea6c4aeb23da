/**
 * Where objects are kept (the place of `pkg/server/options/etcd.go`): the LevelDB directory under
 * `--data-dir`, and how much event history watches and consistent paging can resume from.
 */
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { StorageConfig } from '../../storage/factory.js';
import { DEFAULT_HISTORY_BYTES, DEFAULT_HISTORY_SIZE } from '../../storage/level/index.js';
import { int, parseQuantity } from './parse.js';

export class StorageOptions {
  dataDir = './data';
  /** LevelDB only in this release; the flag stays for the etcd backend to come back to. */
  storageBackend: 'leveldb' = 'leveldb';
  eventHistorySize = DEFAULT_HISTORY_SIZE;
  eventHistoryBytes = DEFAULT_HISTORY_BYTES;

  addFlags(cmd: Command): void {
    cmd
      .option('--data-dir <dir>', 'directory for LevelDB data (and, in local mode, certificates and kubeconfig)', this.dataDir)
      .addOption(new Option('--storage-backend <backend>', 'where objects are kept').choices(['leveldb']).default(this.storageBackend))
      .option(
        '--event-history-size <n>',
        'how many events are kept for watches to resume from and for consistent paging; older resourceVersions get 410 Expired',
        int,
        this.eventHistorySize,
      )
      .option(
        '--event-history-bytes <quantity>',
        'how many bytes of events are kept, whatever their count (e.g. 64Mi)',
        parseQuantity,
        this.eventHistoryBytes,
      );
  }

  validate(): string[] {
    const errs: string[] = [];
    if (this.eventHistorySize < 1) errs.push('--event-history-size must be at least 1');
    if (this.eventHistoryBytes < 1024 * 1024) errs.push('--event-history-bytes must be at least 1Mi');
    return errs;
  }

  toConfig(): StorageConfig {
    return {
      backend: this.storageBackend,
      path: join(resolve(this.dataDir), 'leveldb'),
      historySize: this.eventHistorySize,
      historyBytes: this.eventHistoryBytes,
    };
  }
}
