/**
 * Where objects are kept (`pkg/server/options/etcd.go`): LevelDB under `--data-dir` (one replica), or etcd
 * (`--storage-backend=etcd3`, several replicas) with k8s.io/apiserver's flag names and defaults; and how much
 * event history watches and consistent paging can resume from.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { StorageConfig } from '../../storage/factory.js';
import { DEFAULT_HISTORY_BYTES, DEFAULT_HISTORY_SIZE, DEFAULT_OBJECT_CACHE_BYTES } from '../../storage/level/index.js';
import { bool, int, list, parseDuration, parseQuantity } from './parse.js';

const DEFAULT_DATA_DIR = './data';

export class StorageOptions {
  /** Unset: ./data. Kept unset so that `serve` can tell a --data-dir given with etcd3 (a mistake) from the default. */
  dataDir: string | undefined = undefined;
  storageBackend: 'leveldb' | 'etcd3' = 'leveldb';
  etcdServers: string[] = [];
  etcdPrefix = '/registry';
  etcdCafile: string | undefined = undefined;
  etcdCertfile: string | undefined = undefined;
  etcdKeyfile: string | undefined = undefined;
  /** Seconds; 0 leaves compaction to another client of the etcd. */
  etcdCompactionInterval = 300;
  watchCache = true;
  eventHistorySize = DEFAULT_HISTORY_SIZE;
  eventHistoryBytes = DEFAULT_HISTORY_BYTES;
  objectCacheBytes = DEFAULT_OBJECT_CACHE_BYTES;

  /** Not a flag (a #field, so CommandOptions hands it no value): whether --data-dir is for LevelDB only. */
  readonly #dataDirHoldsOnlyStorage: boolean;

  /** `local` keeps its certificates under --data-dir whatever the backend; `serve` uses it for LevelDB only. */
  constructor(dataDirHoldsOnlyStorage: boolean) {
    this.#dataDirHoldsOnlyStorage = dataDirHoldsOnlyStorage;
  }

  /** The directory --data-dir names, or its default. */
  get dataDirectory(): string {
    return resolve(this.dataDir ?? DEFAULT_DATA_DIR);
  }

  addFlags(cmd: Command): void {
    cmd
      .option(
        '--data-dir <dir>',
        `directory for LevelDB data (and, in local mode, certificates and kubeconfig) (default: "${DEFAULT_DATA_DIR}")`,
      )
      .addOption(
        new Option('--storage-backend <backend>', 'where objects are kept: leveldb (one replica) or etcd3 (several replicas share an etcd)')
          .choices(['leveldb', 'etcd3'])
          .default(this.storageBackend),
      )
      .option('--etcd-servers <urls>', 'list of etcd servers to connect with (scheme://ip:port), comma separated', list)
      .option('--etcd-prefix <prefix>', 'the prefix to prepend to all resource paths in etcd', this.etcdPrefix)
      .option('--etcd-cafile <path>', 'SSL Certificate Authority file used to secure etcd communication')
      .option('--etcd-certfile <path>', 'SSL certification file used to secure etcd communication')
      .option('--etcd-keyfile <path>', 'SSL key file used to secure etcd communication')
      .addOption(
        new Option(
          '--etcd-compaction-interval <duration>',
          'the interval of compaction requests; 0 disables compaction from this server (e.g. 5m, 0)',
        )
          .argParser(parseDuration)
          .default(this.etcdCompactionInterval, '5m'),
      )
      .addOption(
        new Option('--watch-cache [bool]', 'enable the watch cache (the etcd backend serves reads from it)')
          .argParser(bool)
          .default(this.watchCache),
      )
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
      )
      .option(
        '--object-cache-bytes <quantity>',
        'leveldb backend: how many bytes of objects are kept in memory beside the keys; the rest is read from disk (e.g. 32Mi)',
        parseQuantity,
        this.objectCacheBytes,
      );
  }

  validate(): string[] {
    const errs: string[] = [];
    if (this.eventHistorySize < 1) errs.push('--event-history-size must be at least 1');
    if (this.eventHistoryBytes < 1024 * 1024) errs.push('--event-history-bytes must be at least 1Mi');
    if (this.objectCacheBytes < 0) errs.push('--object-cache-bytes must not be negative');
    if (this.storageBackend === 'leveldb') {
      const etcdFlags = this.etcdServers.length > 0 || this.etcdCafile || this.etcdCertfile || this.etcdKeyfile;
      if (etcdFlags) errs.push('--etcd-* flags need --storage-backend=etcd3; the leveldb backend keeps objects under --data-dir');
      return errs;
    }
    if (this.etcdServers.length === 0)
      errs.push('--storage-backend=etcd3 needs --etcd-servers (e.g. https://etcd-0.etcd:2379,https://etcd-1.etcd:2379)');
    for (const url of this.etcdServers) {
      if (!/^https?:\/\/[^/]+\/?$/.test(url))
        errs.push(`--etcd-servers: ${JSON.stringify(url)} is not scheme://host:port with scheme http or https`);
    }
    if (Boolean(this.etcdCertfile) !== Boolean(this.etcdKeyfile)) errs.push('--etcd-certfile and --etcd-keyfile must be given together');
    if (!this.etcdPrefix.startsWith('/')) errs.push(`--etcd-prefix ${JSON.stringify(this.etcdPrefix)} must start with /`);
    if (!this.watchCache) errs.push('--watch-cache=false is not supported: the etcd backend serves every read from its watch cache');
    if (this.#dataDirHoldsOnlyStorage && this.dataDir !== undefined) {
      errs.push('--data-dir is the LevelDB directory: with --storage-backend=etcd3 objects are kept in etcd, so leave --data-dir out');
    }
    return errs;
  }

  toConfig(): StorageConfig {
    const history = { historySize: this.eventHistorySize, historyBytes: this.eventHistoryBytes };
    if (this.storageBackend === 'leveldb') {
      return { backend: 'leveldb', path: join(this.dataDirectory, 'leveldb'), objectCacheBytes: this.objectCacheBytes, ...history };
    }
    const pem = (flag: string, path: string | undefined): Buffer | undefined => {
      if (path === undefined) return undefined;
      try {
        return readFileSync(path);
      } catch (err) {
        throw new Error(`${flag}: cannot read ${path}: ${(err as Error).message}`);
      }
    };
    return {
      backend: 'etcd3',
      endpoints: this.etcdServers,
      prefix: this.etcdPrefix,
      ca: pem('--etcd-cafile', this.etcdCafile),
      cert: pem('--etcd-certfile', this.etcdCertfile),
      key: pem('--etcd-keyfile', this.etcdKeyfile),
      compactionIntervalMs: this.etcdCompactionInterval * 1000,
      ...history,
    };
  }
}
