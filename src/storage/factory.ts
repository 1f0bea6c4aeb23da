/** The one place that names a storage backend: the rest of the server sees only the Storage contract. */
import { EtcdStorage } from './etcd/index.js';
import type { Storage } from './interfaces.js';
import { LevelStorage } from './level/index.js';

/** Events kept for watches and snapshot lists, by count and by bytes (for etcd: in each replica's watch cache). */
interface HistoryConfig {
  historySize: number;
  historyBytes: number;
}

export type StorageConfig =
  | ({ backend: 'leveldb' /** The LevelDB directory. */; path: string } & HistoryConfig)
  | ({
      backend: 'etcd3';
      endpoints: string[];
      prefix: string;
      /** PEM: the CA of etcd's serving certificate, the client certificate and its key. */
      ca?: Buffer;
      cert?: Buffer;
      key?: Buffer;
      compactionIntervalMs: number;
    } & HistoryConfig);

export function newStorage(config: StorageConfig): Storage {
  if (config.backend === 'etcd3') return new EtcdStorage(config);
  return new LevelStorage({ path: config.path, historySize: config.historySize, historyBytes: config.historyBytes });
}
