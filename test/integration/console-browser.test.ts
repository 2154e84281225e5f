/**
 * The web console in a real Chromium (test/helpers/browser.ts: Debian's chromium, the network cut
 * off) against a real API server with a token file and the real controller manager running a
 * LOCAL cluster: sign in, a job created with the CLI appears without a reload with its replicas
 * per cluster and its logs, a cluster that goes ERROR turns red with its reason, YAML applied from
 * the page is created, and a viewer's delete button does not work. Nothing is fetched from
 * anywhere but the server, and the token is kept in neither a cookie nor localStorage.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { BROWSER_TESTS, launchOfflineChromium, offlineContext } from '../helpers/browser.js';
import { runSkym } from '../helpers/cli.js';
import { createReadyLocalCluster } from '../helpers/clusters.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { writeUnreachableKubeconfig } from '../helpers/unreachable-kubeconfig.js';
import { until } from '../helpers/wait.js';

if (!BROWSER_TESTS) console.warn('console-browser.test.ts skipped: no `chromium` on PATH (apt-get install chromium; .ci/run installs it).');

const TOKENS = { admin: 'admin-token-0123456789', controllers: 'controllers-token-0123456789', viewer: 'viewer-token-0123456789' };
const TOKEN_FILE = `${TOKENS.admin},root,0,sky:admins
${TOKENS.controllers},controllers,1,sky:controllers
${TOKENS.viewer},vera,2,sky:viewers
`;

describe.runIf(BROWSER_TESTS)('the web console in Chromium', () => {
  let dir: string;
  let server: ServerProcess;
  let controllers: ControllersProcess;
  let admin: SkyClient;
  let browser: Browser;
  let base: string;
  const contexts: { context: BrowserContext; elsewhere: string[] }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sky-console-'));
    await writeFile(join(dir, 'tokens.csv'), TOKEN_FILE);
    server = await startServer({ store: 'memory', tokenAuthFile: join(dir, 'tokens.csv') });
    base = server.url.replace(/\/graphql$/, '');
    controllers = await startControllers(server.url, { env: { SKYM_TOKEN: TOKENS.controllers } });
    admin = new SkyClient({ url: server.url, token: TOKENS.admin });
    await createReadyLocalCluster(new ClusterAPI({ client: admin }), 'here', 4);
    browser = await launchOfflineChromium();
  });

  afterAll(async () => {
    for (const { context } of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await admin?.close();
    await controllers?.stop();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A fresh browser profile signed in with `token`, on the Clusters view; counts its page loads. */
  async function signedIn(token: string): Promise<{ page: Page; loads: () => number; elsewhere: string[] }> {
    const opened = await offlineContext(browser);
    contexts.push(opened);
    const page = await opened.context.newPage();
    let loads = 0;
    page.on('load', () => loads++);
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('region', { name: 'Clusters' }).waitFor();
    return { page, loads: () => loads, elsewhere: opened.elsewhere };
  }

  it('refuses a wrong token with the reason, and keeps a right one out of cookies and localStorage', async () => {
    const opened = await offlineContext(browser);
    contexts.push(opened);
    const page = await opened.context.newPage();
    await page.goto(`${base}/console/`);
    await page.getByLabel('Token').fill('not-a-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('The token is not valid.');
    await page.getByLabel('Token').fill(TOKENS.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('region', { name: 'Clusters' }).waitFor();
    expect(await page.locator('[data-field=user]').innerText()).toContain('root');
    expect(await opened.context.cookies()).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(opened.elsewhere).toEqual([]);
  });

  it('a job created with the CLI appears without a reload, with its replicas per cluster and its logs', async () => {
    const { page, loads, elsewhere } = await signedIn(TOKENS.admin);
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('table', { name: 'Jobs' }).waitFor();
    const created = await runSkym(['create', 'job', 'console-hello', '--replicas', '2', '--resources', 'cpu=1', '--run', 'echo hello from replica $SKY_REPLICA_INDEX; sleep 3'], {
      api: server.url,
      env: { SKYM_TOKEN: TOKENS.admin },
    });
    expect(created.code, created.stderr).toBe(0);
    const row = page.locator('[data-workload="default/console-hello"]');
    await row.waitFor();
    await expect.poll(() => row.locator('[data-field=replicas]').innerText(), { timeout: 20_000 }).toMatch(/^here: 2 (running|succeeded)/);
    expect(loads()).toBe(1);

    await row.getByRole('link', { name: 'console-hello' }).click();
    const box = page.locator('.cluster-box[data-cluster="here"]');
    await box.waitFor();
    expect(await box.locator('.square').count()).toBe(2);
    await expect.poll(() => page.getByLabel('Log lines').innerText(), { timeout: 20_000 }).toMatch(/here\/\d hello from replica/);
    await expect.poll(() => page.locator('[data-phase]').first().getAttribute('data-phase'), { timeout: 20_000 }).toBe('COMPLETED');
    expect(loads()).toBe(1);
    expect(elsewhere).toEqual([]);
  });

  it('a cluster that goes ERROR turns red with its reason', async () => {
    const { page } = await signedIn(TOKENS.admin);
    const kubeconfig = join(dir, 'unreachable.yaml');
    await writeUnreachableKubeconfig(kubeconfig, 'secret-token');
    await new ClusterAPI({ client: admin }).create({ metadata: { name: 'gone' }, spec: { manager: 'KUBERNETES', kubernetes: { kubeconfigPath: kubeconfig, context: 'Staging' } } });
    const row = page.locator('tr[data-cluster="gone"]');
    await row.waitFor();
    await expect.poll(() => row.getAttribute('data-phase'), { timeout: 30_000 }).toBe('ERROR');
    const reason = await row.locator('.reason').innerText();
    expect(reason.length).toBeGreaterThan(0);
    const cluster = await new ClusterAPI({ client: admin }).get('gone');
    expect(reason).toBe(cluster.status.message ?? cluster.status.conditions.find((c) => c.type === 'Ready')?.message);
    // Red: the row's background and the phase badge.
    expect(await row.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(254, 243, 242)');
    expect(await row.locator('.phase').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(217, 45, 32)');
    // The READY cluster beside it stays as it was, with its capacity.
    const here = page.locator('tr[data-cluster="here"]');
    expect(await here.getAttribute('data-phase')).toBe('READY');
    expect(await here.locator('[data-resource=cpu] .bar-label').innerText()).toMatch(/ \/ 4 cores$/);
  });

  it('YAML applied from the page is created, and a second apply leaves it unchanged', async () => {
    const { page } = await signedIn(TOKENS.admin);
    await page.getByRole('link', { name: 'Apply YAML' }).click();
    const yaml = 'kind: Job\nmetadata:\n  name: from-console\n  labels: { made: console }\nspec:\n  run: echo applied\n  resources: { cpu: 1 }\n';
    await page.getByLabel('YAML to apply').fill(yaml);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Applied' }).innerText()).toBe('Job default/from-console: created');
    const job = await new JobAPI({ client: admin }).get('from-console');
    expect(job.metadata.labels).toEqual({ made: 'console' });
    await page.getByLabel('YAML to apply').fill(yaml);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Applied' }).innerText()).toBe('Job default/from-console: unchanged');
  });

  it("a viewer sees jobs but cannot make the delete button work", async () => {
    await new JobAPI({ client: admin }).create({ metadata: { name: 'keep-me' }, spec: { run: 'sleep 60', resources: { cpu: 1 } } });
    const { page } = await signedIn(TOKENS.viewer);
    expect(await page.locator('[data-field=user]').innerText()).toContain('vera');
    await page.goto(`${base}/console/#/jobs/default/keep-me`);
    await page.getByRole('region', { name: 'Job keep-me' }).waitFor();
    const remove = page.locator('[data-action=delete]');
    await expect.poll(() => page.locator('[data-field=delete-denied]').innerText()).toBe('You may not delete this job: no binding allows delete jobs "keep-me" in namespace "default".');
    expect(await remove.isDisabled()).toBe(true);
    await remove.click({ force: true });
    await until('a moment for a click that should do nothing', async () => true);
    expect((await new JobAPI({ client: admin }).get('keep-me')).metadata.name).toBe('keep-me');
  });
});
