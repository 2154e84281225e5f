/**
 * GraphiQL in a real Chromium (Debian's `chromium`, driven by playwright-core) against a real API
 * server, with the network cut off: the browser resolves no host name but 127.0.0.1 and every
 * request for another host is aborted and recorded. The page must load, open with the example
 * operations, list clusters with the example query and show a job created while the example
 * watchJobs subscription runs, with nothing fetched from anywhere but the server.
 *
 * Without chromium on PATH this file is skipped, except in CI, where .ci/run installs it.
 */
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI } from '../../src/client/index.js';
import { BROWSER_TESTS, launchOfflineChromium, offlineContext } from '../helpers/browser.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

if (!BROWSER_TESTS) console.warn('graphiql-browser.test.ts skipped: no `chromium` on PATH (apt-get install chromium; .ci/run installs it).');

const EXECUTE = 'Execute query (Ctrl-Enter)';

describe.runIf(BROWSER_TESTS)('GraphiQL in Chromium without a network', () => {
  let server: ServerProcess;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    // No BOOKMARK while the subscription test looks at the result pane, which shows the last event.
    server = await startServer({ extraArgs: ['--bookmark-interval-ms', '600000'] });
    base = server.url.replace(/\/graphql$/, '');
    browser = await launchOfflineChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const queryEditor = (page: Page) => page.locator('.graphiql-query-editor .view-lines');
  const resultPane = (page: Page) => page.locator('.graphiql-response');
  /** The editor's visible lines, with the non-breaking spaces Monaco renders as plain ones. */
  const textOf = async (editor: Locator) => (await editor.innerText()).replace(/\u00a0/g, ' ');

  interface Opened {
    context: BrowserContext;
    page: Page;
    /** Requests for any host but the server's, each aborted. */
    elsewhere: string[];
    /** The WebSocket URLs the page opened. */
    sockets: string[];
    /** "status path" of each response the page and its workers got. */
    served: string[];
  }

  /**
   * `path` in a fresh browser profile (no stored tabs) whose every request for another host is
   * aborted and recorded, once GraphiQL shows its editor; or why it does not.
   */
  async function openGraphiQL(path: string): Promise<Opened> {
    const { context, elsewhere } = await offlineContext(browser);
    const sockets: string[] = [];
    const served: string[] = [];
    // The context's, not the page's: the editor's workers fetch their scripts themselves.
    context.on('response', (response) => served.push(`${response.status()} ${new URL(response.url()).pathname}`));
    const page = await context.newPage();
    page.on('websocket', (socket) => sockets.push(socket.url()));
    try {
      await page.goto(`${base}${path}`);
      await queryEditor(page).getByText('subscription WatchJobs').waitFor();
    } catch (error) {
      const shown = await page.locator('body').innerText().catch(() => '');
      await context.close();
      throw new Error(`GraphiQL did not open at ${path} (${String(error).split('\n')[0]}); the page shows ${JSON.stringify(shown.slice(0, 200))}; requests for other hosts: ${elsewhere.join(', ') || 'none'}`);
    }
    return { context, page, elsewhere, sockets, served };
  }

  async function run(page: Page, operation: string) {
    await page.getByRole('button', { name: EXECUTE }).click();
    await page.getByRole('menuitem', { name: operation }).click();
  }

  it('GraphiQL at /graphql is titled, with the example query and subscription, all from the server', async () => {
    const { context, page, elsewhere, served } = await openGraphiQL('/graphql');
    try {
      expect(page.url()).toBe(`${base}/graphql`);
      await expect(page.title()).resolves.toBe('Sky Manager');
      const text = await page.locator('body').innerText();
      expect(text).not.toContain('__TITLE__');
      expect(text).not.toContain('Loading Sky Manager');
      expect(await textOf(queryEditor(page))).toContain('query Clusters {\n  clusters {');
      // The editors start their workers as they come up.
      const assets = ['graphiql.css', 'yoga-graphiql.umd.js', 'editor.worker.bundle.js', 'json.worker.bundle.js', 'graphql.worker..bundle.js'];
      await expect.poll(() => served, { timeout: 10_000 }).toEqual(expect.arrayContaining(assets.map((file) => expect.stringMatching(new RegExp(`^200 /graphiql/assets/.+/${file.replace(/\./g, '\\.')}$`)))));
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the example query lists the clusters', async () => {
    await new ClusterAPI({ url: server.url }).create({ metadata: { name: 'offline-rack' }, spec: { manager: 'LOCAL' } });
    const { context, page, elsewhere } = await openGraphiQL('/graphql');
    try {
      await run(page, 'Clusters');
      await resultPane(page).getByText('"offline-rack"').waitFor();
      expect(await textOf(resultPane(page))).toMatch(/"name": "offline-rack"[\s\S]*"phase": "INIT"/);
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the example watchJobs subscription shows a job created while it runs', async () => {
    const { context, page, elsewhere, sockets } = await openGraphiQL('/graphql');
    try {
      await run(page, 'WatchJobs');
      // The snapshot (no jobs yet) ends with a BOOKMARK: the watch is live from here on.
      await resultPane(page).getByText('"BOOKMARK"').waitFor();
      await new JobAPI({ url: server.url }).create({ metadata: { name: 'offline-hello' }, spec: { run: 'echo Sky!' } });
      await resultPane(page).getByText('"offline-hello"').waitFor();
      expect(await textOf(resultPane(page))).toMatch(/"type": "ADDED"[\s\S]*"name": "offline-hello"/);
      expect(sockets).toEqual([server.wsUrl]);
      await page.getByRole('button', { name: 'Stop query (Ctrl-Enter)' }).click();
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
