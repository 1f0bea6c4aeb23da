/** The one place that names a storage backend: the rest of the server sees only the Storage contract. */
import type { Storage } from './interfaces.js';
import { LevelStorage } from './level/index.js';

/** Events kept for watches and snapshot lists, by count and by bytes (for etcd: in each replica's watch cache). */
interface HistoryConfig {
  historySize: number;
  historyBytes: number;
}

export type StorageConfig =
  | ({
      backend: 'leveldb';
      /** The LevelDB directory. */
      path: string;
      /** How many bytes of bodies are kept in memory (the rest is read from disk). */
      objectCacheBytes?: number;
    } & HistoryConfig)
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

/** The etcd backend (and its gRPC client, 10 MiB and 0.1 s at start-up) is loaded only when configured. */
export async function newStorage(config: StorageConfig): Promise<Storage> {
  if (config.backend === 'etcd3') {
    const { EtcdStorage } = await import('./etcd/index.js');
    return new EtcdStorage(config);
  }
  return new LevelStorage({
    path: config.path,
    historySize: config.historySize,
    historyBytes: config.historyBytes,
    objectCacheBytes: config.objectCacheBytes,
  });
}
