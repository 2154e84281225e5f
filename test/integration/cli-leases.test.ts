/**
 * Leases from the command line against a real API server: get (Holder, Duration, Transitions,
 * Renewed, Age), get one by name, describe, apply from a file and delete.
 */
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseAPI, SkyClient } from '../../src/client/index.js';
import { runSkym } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;
const skym = (...args: string[]) => runSkym(args, { api: server.url });

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('leases', () => {
  it('get leases shows holder, duration, transitions and how long ago it was renewed; get, describe and delete one', async () => {
    const leases = new LeaseAPI({ client });
    // Renewed a minute and a half ago by its holder's clock.
    const renewTime = new Date(Date.now() - 90_000).toISOString();
    await leases.create({ metadata: { name: 'controller-manager' }, spec: { holderIdentity: 'replica-a', leaseDurationSeconds: 15, acquireTime: renewTime, renewTime, leaseTransitions: 2 } });
    await leases.create({ metadata: { name: 'never-held' }, spec: {} });

    const table = await skym('get', 'leases');
    expect(table).toMatchObject({ code: 0, stderr: '' });
    const [header, held, free] = table.stdout.split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['Name', 'Holder', 'Duration', 'Transitions', 'Renewed', 'Age']);
    expect(held.split(/\s{2,}/)).toEqual(['controller-manager', 'replica-a', '15s', '2', expect.stringMatching(/^(9\d|1\d\d)s$/), expect.stringMatching(/^\d+s$/)]);
    expect(free.split(/\s+/).filter(Boolean)).toEqual(['never-held', '0', expect.stringMatching(/^\d+s$/)]);

    const one = await skym('get', 'lease', 'controller-manager');
    expect(one.stdout.split('\n')[1]).toMatch(/^controller-manager\s+replica-a\s+15s\s+2\s/);

    const described = await skym('describe', 'lease', 'controller-manager');
    expect(described.stdout).toMatch(/^Name:\s+controller-manager\nKind:\s+Lease\n/);
    expect(described.stdout).toContain('holderIdentity: replica-a');
    expect(described.stdout).toContain('leaseDurationSeconds: 15');

    expect(await skym('delete', 'lease', 'controller-manager')).toMatchObject({ code: 0, stdout: 'Deleted lease controller-manager.\n' });
    expect((await leases.list()).items.map((l) => l.metadata.name)).toEqual(['never-held']);
  });

  it('apply -f creates a lease from YAML, with its times as written', async () => {
    const file = join(tmpdir(), `lease-${process.pid}.yaml`);
    await writeFile(file, 'kind: Lease\nmetadata:\n  name: skylet-a\nspec:\n  holderIdentity: skylet-a-0\n  leaseDurationSeconds: 40\n  renewTime: "2026-12-02T23:00:00.123456Z"\n');
    try {
      expect((await skym('apply', '-f', file)).code).toBe(0);
      expect((await new LeaseAPI({ client }).get('skylet-a')).spec).toEqual({ holderIdentity: 'skylet-a-0', leaseDurationSeconds: 40, renewTime: '2026-12-02T23:00:00.123456Z' });
    } finally {
      await rm(file, { force: true });
    }
  });
});
