/**
 * Where skym sends requests: --api > SKYM_API > the config file > http://127.0.0.1:50051/graphql,
 * and `skym config view|set|unset`, with the real binary. Every test has a config file of its own
 * (SKYM_CONFIG), never the real ~/.skym.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshConfigPath, runSkym } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
const NOWHERE = 'http://127.0.0.1:9/graphql'; // the discard port: nothing answers there

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
});

afterAll(async () => {
  await server?.stop();
});

describe('config', () => {
  it('view shows the defaults and where they come from', async () => {
    const config = freshConfigPath();
    const result = await runSkym(['config', 'view'], { env: { SKYM_CONFIG: config } });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        'Setting    Value                           Source',
        'api        http://127.0.0.1:50051/graphql  default',
        'namespace  default                         default',
        'token      (none)                          default',
        '',
        `Config file: ${config}`,
        '',
      ].join('\n'),
    );
  });

  it('set writes the file, which then decides where requests go; unset removes it', async () => {
    const config = freshConfigPath();
    const env = { SKYM_CONFIG: config };
    expect(await runSkym(['config', 'set', 'api', server.url], { env })).toMatchObject({ code: 0, stdout: `Set api to ${server.url} in ${config}.\n` });
    expect(await readFile(config, 'utf8')).toBe(`api: ${server.url}\n`);
    expect(await runSkym(['get', 'namespaces'], { env })).toMatchObject({ code: 0, stdout: 'Name     Status\ndefault  ACTIVE\n' });
    const view = JSON.parse((await runSkym(['config', 'view', '--json'], { env })).stdout);
    expect(view).toEqual({
      path: config,
      settings: { api: { value: server.url, source: 'file' }, namespace: { value: 'default', source: 'default' }, token: { value: '', source: 'default' } },
    });

    expect(await runSkym(['config', 'unset', 'api'], { env })).toMatchObject({ code: 0, stdout: `Removed api from ${config}.\n` });
    expect(await readFile(config, 'utf8')).toBe('');
  });

  it('SKYM_API wins over the file, and --api over both', async () => {
    const config = freshConfigPath();
    await runSkym(['config', 'set', 'api', NOWHERE], { env: { SKYM_CONFIG: config } });
    const viaEnv = await runSkym(['get', 'ns', 'default'], { env: { SKYM_CONFIG: config, SKYM_API: server.url } });
    expect(viaEnv.code).toBe(0);
    const viaFlag = await runSkym(['get', 'ns', 'default', '--api', server.url], { env: { SKYM_CONFIG: config, SKYM_API: NOWHERE } });
    expect(viaFlag.code).toBe(0);
    const fromFile = await runSkym(['get', 'ns', 'default'], { env: { SKYM_CONFIG: config } });
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toContain(`Error: the Sky Manager API server at ${NOWHERE} is not running or not reachable`);
  });

  it('the namespace setting is the default of -n', async () => {
    const config = freshConfigPath();
    const env = { SKYM_CONFIG: config };
    await runSkym(['create', 'ns', 'team-c'], { api: server.url, env });
    await runSkym(['config', 'set', 'namespace', 'team-c'], { env });
    expect(await runSkym(['create', 'job', 'in-c', '--run', 'x'], { api: server.url, env })).toMatchObject({ code: 0, stdout: 'Created job in-c in namespace team-c.\n' });
    expect((await runSkym(['get', 'job', 'in-c'], { api: server.url, env })).code).toBe(0);
    expect(await runSkym(['get', 'job', 'in-c', '-n', 'default'], { api: server.url, env })).toMatchObject({ code: 1, stderr: 'Error: job "in-c" not found in namespace "default"\n' });
  });

  it('takes the server base URL, as the demo and kubectl --server users write it, from the flag, SKYM_API and the file', async () => {
    const base = new URL(server.url).origin; // http://127.0.0.1:PORT
    const config = freshConfigPath();
    expect(await runSkym(['get', 'namespaces'], { api: base, env: { SKYM_CONFIG: config } })).toMatchObject({ code: 0 });
    expect(await runSkym(['get', 'namespaces'], { env: { SKYM_CONFIG: config, SKYM_API: base.replace('http://', '') } })).toMatchObject({ code: 0 });
    expect(await runSkym(['config', 'set', 'api', `${base}/`], { env: { SKYM_CONFIG: config } })).toMatchObject({ code: 0 });
    expect(await runSkym(['get', 'namespaces'], { env: { SKYM_CONFIG: config } })).toMatchObject({ code: 0 });
  });

  it('says what it tried when an address answers without GraphQL', async () => {
    const wrong = `${new URL(server.url).origin}/nothing-here`;
    const result = await runSkym(['get', 'namespaces'], { api: wrong, env: { SKYM_CONFIG: freshConfigPath() } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${wrong} answered HTTP 404 without a GraphQL result: is it a Sky Manager API server's GraphQL endpoint?`);
  });

  it('refuses unknown settings and bad values, naming them, and writes nothing', async () => {
    const config = freshConfigPath();
    const env = { SKYM_CONFIG: config };
    expect(await runSkym(['config', 'set', 'apl', 'x'], { env })).toMatchObject({ code: 1, stderr: `Error: ${config}: unknown setting "apl"; settings are api, namespace, token\n` });
    expect(await runSkym(['config', 'set', 'api', 'http://'], { env })).toMatchObject({ code: 1 });
    await expect(readFile(config, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await runSkym(['get', 'jobs'], { env: { ...env, SKYM_API: 'ftp://x' } })).toMatchObject({
      code: 1,
      stderr: 'Error: SKYM_API: api: "ftp://x" must be an http:// or https:// URL, not ftp:\n',
    });
  });
});
