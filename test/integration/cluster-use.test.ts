/**
 * `use` of clusters with real processes: an API server with a token file, the controller manager
 * with its controller token, two LOCAL clusters. Alice may submit jobs and use on-prem only: her
 * job runs there, a job of hers that asks for the cloud (by label) stays pending and says why,
 * until an admin binds her a role that allows using the cloud. The server records who created a
 * job, and an annotation the caller sends does not change it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterAPI, ClusterRoleAPI, ClusterRoleBindingAPI, JobAPI, SkyClient } from '../../src/client/index.js';
import { CREATOR_ANNOTATION } from '../../src/domain/creator.js';
import { createReadyLocalCluster } from '../helpers/clusters.js';
import { startControllers, type ControllersProcess } from '../helpers/controllers.js';
import { killReplicas } from '../helpers/replicas.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const TOKENS = { admin: 'admin-token-0123456789', controllers: 'controllers-token-0123456789', alice: 'alice-token-0123456789' };
const TOKEN_FILE = `${TOKENS.admin},root,0,sky:admins
${TOKENS.controllers},controllers,1,sky:controllers
${TOKENS.alice},alice,2,team-a
`;

let dir: string;
let server: ServerProcess;
let controllers: ControllersProcess;
let admin: SkyClient;
let alice: SkyClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skym-use-'));
  await writeFile(join(dir, 'tokens.csv'), TOKEN_FILE);
  server = await startServer({ store: 'memory', tokenAuthFile: join(dir, 'tokens.csv') });
  admin = new SkyClient({ url: server.url, token: TOKENS.admin });
  alice = new SkyClient({ url: server.url, token: TOKENS.alice });
  controllers = await startControllers(server.url, { env: { SKYM_TOKEN: TOKENS.controllers } });
  const clusters = new ClusterAPI({ client: admin });
  await createReadyLocalCluster(clusters, 'on-prem', 4, { labels: { site: 'on-prem' }, timeoutMs: 30_000 });
  await createReadyLocalCluster(clusters, 'cloud', 4, { labels: { site: 'cloud' }, timeoutMs: 30_000 });
  const roles = new ClusterRoleAPI({ client: admin });
  const bindings = new ClusterRoleBindingAPI({ client: admin });
  await roles.create({ metadata: { name: 'submit' }, spec: { rules: [{ verbs: ['get', 'list', 'watch', 'create', 'delete'], resources: ['jobs', 'jobs/log'], resourceNames: [] }] } });
  await roles.create({ metadata: { name: 'use-on-prem' }, spec: { rules: [{ verbs: ['use'], resources: ['clusters'], resourceNames: ['on-prem'] }] } });
  for (const role of ['submit', 'use-on-prem']) {
    await bindings.create({ metadata: { name: `team-a-${role}` }, spec: { subjects: [{ kind: 'Group', name: 'team-a' }], roleRef: { kind: 'ClusterRole', name: role } } });
  }
}, 120_000);

afterAll(async () => {
  killReplicas(/^use-/);
  await controllers?.stop();
  await admin?.close();
  await alice?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("places a job only where its creator may use clusters, says why it waits, and moves on when a binding allows", async () => {
  const jobs = new JobAPI({ client: alice });
  const forged = JSON.stringify({ username: 'root', groups: ['sky:admins'] });
  const anywhere = await jobs.create({ metadata: { name: 'use-anywhere', annotations: { [CREATOR_ANNOTATION]: forged } }, spec: { run: 'true', resources: { cpu: 1 } } });
  // Recorded from the token, not from what was sent.
  expect(JSON.parse(anywhere.metadata.annotations[CREATOR_ANNOTATION])).toEqual({ username: 'alice', groups: ['team-a'] });
  await until('use-anywhere completes on on-prem', async () => {
    const job = await jobs.get('use-anywhere');
    return job.status.phase === 'COMPLETED' && job.status.placements.every((p) => p.cluster === 'on-prem');
  }, { timeoutMs: 60_000 });

  await jobs.create({ metadata: { name: 'use-cloud' }, spec: { run: 'true', resources: { cpu: 1 }, placement: { clusterSelector: 'site=cloud' } } });
  const waiting = await until('use-cloud says why it waits', async () => {
    const job = await jobs.get('use-cloud');
    const scheduled = job.status.conditions.find((c) => c.type === 'Scheduled');
    return scheduled?.status === 'False' && scheduled.message?.includes('user alice may not use cluster cloud') ? job : undefined;
  }, { timeoutMs: 30_000 });
  expect(waiting.status.placements).toEqual([]);

  await new ClusterRoleAPI({ client: admin }).create({ metadata: { name: 'use-cloud' }, spec: { rules: [{ verbs: ['use'], resources: ['clusters'], resourceNames: ['cloud'] }] } });
  await new ClusterRoleBindingAPI({ client: admin }).create({ metadata: { name: 'alice-cloud' }, spec: { subjects: [{ kind: 'User', name: 'alice' }], roleRef: { kind: 'ClusterRole', name: 'use-cloud' } } });
  await until('use-cloud completes on cloud', async () => {
    const job = await jobs.get('use-cloud');
    return job.status.phase === 'COMPLETED' && job.status.placements.every((p) => p.cluster === 'cloud');
  }, { timeoutMs: 60_000 });
}, 180_000);
