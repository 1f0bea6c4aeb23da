/** The LevelDB storage backend. */
export {
  DEFAULT_HISTORY_BYTES,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_OBJECT_CACHE_BYTES,
  LevelStorage,
  type LevelStorageOptions,
} from './level-storage.js';
