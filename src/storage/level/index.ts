/** The LevelDB storage backend. */
export { DEFAULT_HISTORY_BYTES, DEFAULT_HISTORY_SIZE, LevelStorage, type LevelStorageOptions } from './level-storage.js';
