import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The container image's tests need the image: test/image/run.sh builds it and runs them.
    exclude: ['**/node_modules/**', 'test/image/**'],
    // Integration tests start real servers and real LevelDB stores; the 2-core machines need room.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
