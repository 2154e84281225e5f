/**
 * The CLI against a REAL server started with --token-auth-file: the token comes from SKYM_TOKEN
 * or `skym config set token …`, `config view` masks it, and without one the CLI says
 * UNAUTHENTICATED in one line. And `skym up --token-auth-file`: its own controllers authenticate
 * with the file's sky:controllers token, so the quickstart job still runs.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshConfigPath, runSkym, spawnSkym } from '../helpers/cli.js';
import { startControllers } from '../helpers/controllers.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

const EDITOR = 'cli-editor-token-42';
const VIEWER = 'cli-viewer-token-42';
const CONTROLLERS = 'cli-controllers-token-42';
const TOKEN_FILE = `${EDITOR},erin,2,"sky:editors"\n${VIEWER},vic,3,sky:viewers\n${CONTROLLERS},controllers,1,sky:controllers\n`;

let dir: string;
let tokenFile: string;
let server: ServerProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skym-cli-auth-'));
  tokenFile = join(dir, 'tokens.csv');
  await writeFile(tokenFile, TOKEN_FILE);
  server = await startServer({ store: 'memory', tokenAuthFile: tokenFile });
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('skym against an auth-enabled server', () => {
  it('without a token: one clear UNAUTHENTICATED line, exit 1, no stack trace', async () => {
    const result = await runSkym(['get', 'jobs'], { api: server.url, env: { SKYM_CONFIG: freshConfigPath() } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'Error: A bearer token is required: send "Authorization: Bearer <token>" (over WebSocket, on the upgrade request or as connectionParams.authorization). Set the token with SKYM_TOKEN or `skym config set token TOKEN`.\n',
    );
    const json = await runSkym(['get', 'jobs', '--json'], { api: server.url, env: { SKYM_CONFIG: freshConfigPath(), SKYM_TOKEN: 'wrong' } });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/^The token is not valid\./) } });
  });

  it('SKYM_TOKEN makes `skym get jobs` work; a viewer may not create', async () => {
    const env = { SKYM_CONFIG: freshConfigPath(), SKYM_TOKEN: VIEWER };
    expect(await runSkym(['get', 'jobs'], { api: server.url, env })).toMatchObject({ code: 0, stderr: 'No jobs found in namespace "default".\n' });
    const create = await runSkym(['create', 'job', 'from-viewer', '--run', 'x'], { api: server.url, env });
    expect(create).toMatchObject({
      code: 1,
      stderr: 'Error: User "vic" may not create jobs in namespace "default".\n',
    });
  });

  it('`skym config set token` makes it work too; the file is private and view masks the token', async () => {
    const config = freshConfigPath();
    const env = { SKYM_CONFIG: config };
    expect(await runSkym(['config', 'set', 'token', EDITOR], { env })).toMatchObject({ code: 0, stdout: `Set token to **** in ${config}.\n` });
    expect(await readFile(config, 'utf8')).toBe(`token: ${EDITOR}\n`);
    expect((await stat(config)).mode & 0o777).toBe(0o600);

    expect(await runSkym(['create', 'job', 'from-editor', '--run', 'x'], { api: server.url, env })).toMatchObject({ code: 0, stdout: 'Created job from-editor.\n' });
    const get = await runSkym(['get', 'jobs'], { api: server.url, env });
    expect(get.code).toBe(0);
    expect(get.stdout).toContain('from-editor');

    const view = await runSkym(['config', 'view'], { env });
    expect(view.stdout).toMatch(/^token +\*\*\*\* +file$/m);
    expect(view.stdout).not.toContain(EDITOR);
    const json = JSON.parse((await runSkym(['config', 'view', '--json'], { env })).stdout);
    expect(json.settings.token).toEqual({ value: '****', source: 'file' });

    // SKYM_TOKEN wins over the file, as SKYM_API does.
    const viaEnv = await runSkym(['create', 'job', 'env-wins', '--run', 'x'], { api: server.url, env: { ...env, SKYM_TOKEN: VIEWER } });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toContain('User "vic" may not create jobs');
  });

  it('`skym get -w` (WebSocket) sends the token too', async () => {
    const watch = spawnSkym(['get', 'jobs', '-w'], { api: server.url, env: { SKYM_CONFIG: freshConfigPath(), SKYM_TOKEN: VIEWER } });
    try {
      await runSkym(['create', 'job', 'watched', '--run', 'x'], { api: server.url, env: { SKYM_CONFIG: freshConfigPath(), SKYM_TOKEN: EDITOR } });
      await watch.waitFor((lines) => lines.some((line) => /^ADDED +watched /.test(line)));
    } finally {
      await watch.interrupt();
    }
  });
});

describe('skym controllers', () => {
  it('without a token stops at start with UNAUTHENTICATED, instead of retrying its watches forever', async () => {
    const result = await runSkym(['controllers', '--api', server.url, '--no-discover', '--state-dir', join(dir, 'no-token-state')], {
      env: { SKYM_CONFIG: freshConfigPath(), SKYM_LOG_LEVEL: 'warn' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: A bearer token is required');
  });

  it('authenticates with SKYM_TOKEN: a cluster it manages turns READY', async () => {
    const controllers = await startControllers(server.url, { env: { SKYM_TOKEN: CONTROLLERS } });
    try {
      const as = { api: server.url, env: { SKYM_CONFIG: freshConfigPath(), SKYM_TOKEN: CONTROLLERS } };
      expect(await runSkym(['create', 'cluster', 'here', '--manager', 'local', '--cpu', '1'], as)).toMatchObject({ code: 0 });
      const deadline = Date.now() + 20_000;
      while (JSON.parse((await runSkym(['get', 'cluster', 'here', '-o', 'json'], as)).stdout).status.phase !== 'READY') {
        if (Date.now() > deadline) throw new Error(`cluster "here" not READY:\n${controllers.logs()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(controllers.logs()).not.toContain(CONTROLLERS);
    } finally {
      await controllers.stop();
    }
  });
});

describe('skym up --token-auth-file', () => {
  it('runs its controllers with the file\'s sky:controllers token: the quickstart job completes', async () => {
    const dataDir = join(dir, 'up');
    const env = { SKYM_CONFIG: freshConfigPath(), KUBECONFIG: join(dir, 'no-such-kubeconfig') };
    const up = spawnSkym(['up', '--port', '0', '--data-dir', dataDir, '--token-auth-file', tokenFile], { env });
    try {
      const lines = await up.waitFor((l) => l.some((line) => line.startsWith('Sky Manager is up.')), 30_000);
      const url = /API and GraphiQL: (\S+)/.exec(lines.join('\n'))![1];
      const as = (token?: string) => ({ api: url, env: { SKYM_CONFIG: freshConfigPath(), ...(token ? { SKYM_TOKEN: token } : {}) } });

      expect((await runSkym(['get', 'clusters'], as())).code).toBe(1);
      expect(await runSkym(['create', 'job', 'hello', '--resources', 'cpu', '1', '--run', 'echo Sky!'], as(EDITOR))).toMatchObject({ code: 0 });
      const deadline = Date.now() + 30_000;
      for (;;) {
        const job = await runSkym(['get', 'job', 'hello', '-o', 'json'], as(VIEWER));
        if (JSON.parse(job.stdout).status.phase === 'COMPLETED') break;
        if (Date.now() > deadline) throw new Error(`hello did not complete: ${job.stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The local cluster was registered by `up` itself, with the controllers' token.
      expect((await runSkym(['get', 'clusters'], as(VIEWER))).stdout).toMatch(/^local +local/m);
    } finally {
      await up.interrupt();
    }
  });

  it('refuses to start without a sky:controllers user in the file, naming the file', async () => {
    const noControllers = join(dir, 'no-controllers.csv');
    await writeFile(noControllers, `${EDITOR},erin,2,sky:editors\n`);
    const result = await runSkym(['up', '--port', '0', '--data-dir', join(dir, 'up2'), '--token-auth-file', noControllers], {
      env: { SKYM_CONFIG: freshConfigPath(), KUBECONFIG: join(dir, 'no-such-kubeconfig') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: token file ${noControllers} has no user in group sky:controllers`);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
