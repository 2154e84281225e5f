/**
 * Screenshots of the console's main views for the README, made again with:
 *
 *   npm run console:screenshots            # writes docs/console/*.png
 *
 * A real API server and controller manager with three clusters (two LOCAL ones on this machine
 * and a Kubernetes one that cannot be reached, so ERROR), a queue for team-a and jobs in two
 * namespaces; Debian's Chromium (playwright-core) opens each view, as the browser tests do
 * (test/helpers/browser.ts).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterAPI, JobAPI, NamespaceAPI, QueueAPI, SkyClient } from '../src/client/index.js';
import { launchOfflineChromium } from '../test/helpers/browser.js';
import { createReadyLocalCluster } from '../test/helpers/clusters.js';
import { startControllers } from '../test/helpers/controllers.js';
import { PROJECT_ROOT } from '../test/helpers/root.js';
import { startServer } from '../test/helpers/server.js';
import { writeUnreachableKubeconfig } from '../test/helpers/unreachable-kubeconfig.js';
import { until } from '../test/helpers/wait.js';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: join(PROJECT_ROOT, 'docs', 'console') } } });

const server = await startServer({ store: 'memory' });
const controllers = await startControllers(server.url);
const client = new SkyClient({ url: server.url });
const scratch = await mkdtemp(join(tmpdir(), 'sky-screenshots-'));
const browser = await launchOfflineChromium();
try {
  const clusters = new ClusterAPI({ client });
  await createReadyLocalCluster(clusters, 'on-prem', 8, { labels: { site: 'hq' } });
  await createReadyLocalCluster(clusters, 'lab', 4);
  const kubeconfig = join(scratch, 'kubeconfig');
  await writeUnreachableKubeconfig(kubeconfig, 'not-a-secret');
  await clusters.create({ metadata: { name: 'cloud' }, spec: { manager: 'KUBERNETES', kubernetes: { kubeconfigPath: kubeconfig, context: 'Staging' } } });
  await new NamespaceAPI({ client }).create({ metadata: { name: 'team-a' } });
  await new QueueAPI({ client }).create({ metadata: { name: 'team-a' }, spec: { namespaces: ['team-a'], quota: { cpu: 6, memory: 24_576 } } });
  const teamA = new JobAPI({ client, namespace: 'team-a' });
  const own = new JobAPI({ client });
  for (let i = 1; i <= 4; i++) await teamA.create({ metadata: { name: `train-${i}`, labels: { app: 'train' } }, spec: { replicas: 2, resources: { cpu: 1, memory: 2048 }, run: 'for i in $(seq 1 600); do echo "step $i loss $((1000 / i))"; sleep 1; done' } });
  await own.create({ metadata: { name: 'hello', labels: { app: 'demo' } }, spec: { replicas: 3, resources: { cpu: 1 }, run: 'echo hello from $SKY_CLUSTER replica $SKY_REPLICA_INDEX; sleep 600' } });
  await own.create({ metadata: { name: 'too-big' }, spec: { resources: { cpu: 64 }, run: 'true' } });
  await until('jobs running', async () => (await teamA.get('train-1')).status.phase === 'RUNNING' && (await own.get('hello')).status.phase === 'RUNNING', { timeoutMs: 60_000 });
  await until('cloud ERROR', async () => (await clusters.get('cloud')).status.phase === 'ERROR', { timeoutMs: 60_000 });

  await mkdir(args.out, { recursive: true });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 800 }, deviceScaleFactor: 1 })).newPage();
  const base = `${server.url.replace(/\/graphql$/, '')}/console/`;
  const shoot = async (hash: string, file: string, ready: string) => {
    await page.goto(`${base}${hash}`);
    await page.locator(ready).first().waitFor().catch(async (error: Error) => {
      throw new Error(`${file}: ${error.message}\nthe page shows: ${(await page.locator('body').innerText()).slice(0, 2000)}`);
    });
    await page.waitForTimeout(1500); // logs and live figures settle
    await page.screenshot({ path: join(args.out, file), fullPage: false });
    console.log(`wrote ${join(args.out, file)}`);
  };
  await shoot('#/clusters', 'clusters.png', 'tr[data-cluster="cloud"][data-phase="ERROR"]');
  await shoot('#/queues', 'queues.png', 'tr[data-queue="team-a"]');
  await shoot('#/jobs', 'jobs.png', '[data-workload="team-a/train-1"]');
  await shoot('#/jobs/default/hello', 'job.png', '.log-line');
} finally {
  await browser.close();
  await client.close();
  await controllers.stop();
  await server.stop();
  await rm(scratch, { recursive: true, force: true });
}
