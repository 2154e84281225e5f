import { defineConfig } from 'vitest/config';

// Integration tests start real servers (API server, etcd) on free ports; they are isolated by
// port and data directory, but 2-core machines do better with few files at once.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
