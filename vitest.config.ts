import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Integration tests start real servers (API server, etcd) on free ports; they are isolated by
// port and data directory, but 2-core machines do better with few files at once.
export default defineConfig({
  resolve: {
    // graphql ships CommonJS (main) and ESM (module) side by side. Node loads the CommonJS one for
    // the dependencies (@pothos/core, graphql-yoga); Vite would pick the ESM one for our sources,
    // and two copies of graphql refuse each other's types. One copy: the one Node loads.
    alias: [{ find: /^graphql$/, replacement: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
