/** The LevelDB storage backend. */
export { LevelStorage, type LevelStorageOptions } from './level-storage.js';
