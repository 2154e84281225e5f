/**
 * The console's build: `npm run build` runs it (vite build --config src/console/vite.config.ts)
 * into dist/console, which the API server serves at /console (src/server/use-console.ts).
 *
 * The page uses the typed client of src/client as any program does. Three things it reaches for
 * exist only in Node, and are replaced here for the browser: `ws` by the browser's WebSocket,
 * `node:timers/promises` by a timer, and `process.env` (read for defaults the page never uses) by
 * an empty object.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^ws$/, replacement: here('./shims/websocket.ts') },
      { find: /^node:timers\/promises$/, replacement: here('./shims/timers-promises.ts') },
    ],
  },
  define: { 'process.env': '{}' },
  build: {
    outDir: here('../../dist/console'),
    emptyOutDir: true,
    // The server sets a Content-Security-Policy without inline scripts or styles.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  logLevel: 'warn',
});
