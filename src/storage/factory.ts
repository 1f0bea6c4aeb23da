/** The one place that names a storage backend: the rest of the server sees only the Storage contract. */
import type { Storage } from './interfaces.js';
import { LevelStorage } from './level/index.js';

export interface StorageConfig {
  backend: 'leveldb';
  /** The LevelDB directory. */
  path: string;
  /** Events kept for watches and snapshot lists, by count and by bytes. */
  historySize: number;
  historyBytes: number;
}

export function newStorage(config: StorageConfig): Storage {
  return new LevelStorage({ path: config.path, historySize: config.historySize, historyBytes: config.historyBytes });
}
