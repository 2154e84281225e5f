/**
 * Queues and priority classes from the command line against a real API server: create queue and
 * create priorityclass with their flags, get and describe them, apply a queue from a file, and a
 * job with --queue and --priority-class, its Queue and Priority columns and its Queue section.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobAPI, NamespaceAPI, PriorityClassAPI, QueueAPI, SkyClient } from '../../src/client/index.js';
import { runSkym } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;
const skym = (...args: string[]) => runSkym(args, { api: server.url });

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  await new NamespaceAPI({ client }).create({ metadata: { name: 'team-a' } });
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

describe('queues', () => {
  it('create queue takes every flag, then get and describe show it', async () => {
    const result = await skym(
      'create', 'queue', 'research-a',
      '--quota', 'cpu=8,memory=16Gi,gpu=2,gpu.A100=1',
      '--cohort', 'research', '--weight', '2', '--namespaces', 'team-a,team-b', '--namespace-selector', 'team in (a)',
      '--borrowing-limit', 'cpu=4', '--lending-limit', 'memory=8Gi', '--strategy', 'strict-fifo', '--starvation-timeout', '5m', '--paused',
    );
    expect(result).toMatchObject({ code: 0, stdout: 'Created queue research-a.\n', stderr: '' });
    const queue = await new QueueAPI({ client }).get('research-a');
    expect(queue.spec).toMatchObject({
      namespaces: ['team-a', 'team-b'],
      namespaceSelector: 'team in (a)',
      quota: { cpu: 8, memory: 16_384, gpu: 2, accelerators: [{ name: 'A100', gpu: 1 }] },
      cohort: 'research',
      borrowingLimit: { cpu: 4, accelerators: [] },
      lendingLimit: { memory: 8192, accelerators: [] },
      weight: 2,
      queueingStrategy: 'STRICT_FIFO',
      starvationTimeout: 300,
      paused: true,
    });
    expect(queue.status.phase).toBe('PAUSED');

    // As the admission controller would report it.
    await new QueueAPI({ client }).updateStatus({
      metadata: { name: 'research-a' },
      status: { phase: 'PAUSED', usage: { cpu: 3, memory: 2048, gpu: 0, accelerators: [] }, borrowed: { cpu: 0, memory: 0, gpu: 0, accelerators: [] }, pending: 12, admitted: 2, share: 0.1875 },
    });
    const table = await skym('get', 'queues', 'research-a');
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['Name', 'Cohort', 'Weight', 'Used/Quota', 'Borrowed', 'Pending', 'Admitted', 'Share', 'Cost']);
    expect(row.split(/\s{2,}/)).toEqual(['research-a', 'research', '2', 'cpu 3/8, mem 2Gi/16Gi, gpu 0/2, gpu.A100 0/1', '-', '12', '2', '0.19', '0.00']);
    expect((await skym('get', 'q', '-o', 'wide')).stdout).toMatch(/Namespaces\s+Strategy\s+Status\s+Age\n[\s\S]*team-a,team-b,team in \(a\)\s+STRICT_FIFO\s+PAUSED/);

    const described = await skym('describe', 'queue', 'research-a');
    expect(described.stdout).toMatch(/^Name:\s+research-a\nKind:\s+Queue\n/);
    expect(described.stdout).toContain('cohort: research');
    expect(described.stdout).toContain('Conditions: <none>');
  });

  it('create queue --waiting-policy takes the annotation words, and refuses bad ones naming the flag', async () => {
    expect(await skym('create', 'queue', 'bursty', '--waiting-policy', 'COMPUTE budget=0.25')).toMatchObject({ code: 0 });
    expect((await new QueueAPI({ client }).get('bursty')).spec.waitingPolicy).toEqual({ policy: 'COMPUTE', budget: 0.25 });
    const bad = await skym('create', 'queue', 'unsure', '--waiting-policy', 'COMPUTE');
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain('--waiting-policy: coefficient: COMPUTE takes either a coefficient or a budget');
  });

  it('refuses a bad quota before asking the server, naming the flag', async () => {
    const result = await skym('create', 'queue', 'bad', '--quota', 'cpu=lots');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain('--quota cpu: "lots" is not a quantity of cores');
    await expect(new QueueAPI({ client }).get('bad')).rejects.toThrow("Object 'queues/bad' not found.");
  });

  it('apply -f reads a queue with quantities, and delete removes it', async () => {
    const file = join(tmpdir(), `queue-${process.pid}.yaml`);
    await writeFile(file, 'kind: Queue\nmetadata:\n  name: from-file\nspec:\n  quota:\n    cpu: 500m\n    memory: 2Gi\n  weight: 3\n');
    expect((await skym('apply', '-f', file)).code).toBe(0);
    expect((await new QueueAPI({ client }).get('from-file')).spec.quota).toMatchObject({ cpu: 0.5, memory: 2048 });
    expect(await skym('delete', 'queue', 'from-file')).toMatchObject({ code: 0, stdout: 'Deleted queue from-file.\n' });
  });
});

describe('priority classes', () => {
  it('create priorityclass takes every flag; get shows Value, Global Default and Preemption Policy', async () => {
    const created = await skym('create', 'priorityclass', 'urgent', '--value', '1000', '--preemption-policy', 'never', '--description', 'on-call work', '--global-default');
    expect(created).toMatchObject({ code: 0, stdout: 'Created priorityclass urgent.\n', stderr: '' });
    expect((await new PriorityClassAPI({ client }).get('urgent')).spec).toEqual({ value: 1000, preemptionPolicy: 'NEVER', description: 'on-call work', globalDefault: true });
    const [header, row] = (await skym('get', 'pc')).stdout.split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['Name', 'Value', 'Global Default', 'Preemption Policy']);
    expect(row.split(/\s{2,}/)).toEqual(['urgent', '1000', 'true', 'NEVER']);

    // A second default: the server's refusal names the field and the class that is one.
    const second = await skym('create', 'priorityclass', 'also', '--value', '1', '--global-default');
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/spec\.globalDefault.*urgent/);
    expect((await skym('create', 'pc', 'batch', '--value', '-10')).code).toBe(0);
  });
});

describe('a job in a queue', () => {
  it('create job --queue --priority-class; get -o wide shows Queue and Priority; describe shows the Queue section', async () => {
    await new QueueAPI({ client }).create({ metadata: { name: 'team-q' }, spec: { namespaces: ['team-a'], quota: { cpu: 4 } } });
    await new PriorityClassAPI({ client }).create({ metadata: { name: 'high' }, spec: { value: 500 } });
    const created = await skym('create', 'job', 'train', '-n', 'team-a', '--run', 'true', '--queue', 'team-q', '--priority-class', 'high');
    expect(created).toMatchObject({ code: 0, stdout: 'Created job train in namespace team-a.\n' });
    const jobs = new JobAPI({ client, namespace: 'team-a' });
    expect((await jobs.get('train')).spec).toMatchObject({ queue: 'team-q', priorityClassName: 'high' });

    const columns = async () => {
      const [header, row] = (await skym('get', 'job', 'train', '-n', 'team-a', '-o', 'wide')).stdout.split('\n');
      const headers = header.split(/\s{2,}/);
      expect(headers).toContain('Queue');
      // The cells under the Queue and Priority headers, wherever they are.
      const at = (h: string) => row.slice(header.indexOf(h)).split(/\s{2,}/)[0];
      return [at('Queue'), at('Priority')];
    };
    // Not admitted yet: the class it names.
    expect(await columns()).toEqual(['team-q', 'high']);

    // As the admission controller would write it: waiting third of twelve, then preempted once.
    await new QueueAPI({ client }).updateStatus({ metadata: { name: 'team-q' }, status: { phase: 'ACTIVE', pending: 12 } });
    await jobs.setAdmission({ name: 'train' }, { queue: { name: 'team-q', position: 3, reason: 'WaitingForQuota', message: 'needs 1 cpu, queue team-q has 0 left' } });
    let described = (await skym('describe', 'job', 'train', '-n', 'team-a')).stdout;
    expect(described).toMatch(/Queue:\n\s+Name:\s+team-q\n\s+Priority Class:\s+high\n\s+Position:\s+3rd of 12 in queue team-q\n\s+Reason:\s+WaitingForQuota\n\s+Message:\s+needs 1 cpu, queue team-q has 0 left\n\s+Admitted:\s+no/);
    expect(described).not.toMatch(/^\s+admission:/m);

    const admission = { queue: 'team-q', priority: 500, admittedAt: '2026-12-02T17:00:00.000Z', generation: 1, replicas: 1, usage: { cpu: 1, memory: 0, gpu: 0, accelerators: [] } };
    await jobs.setAdmission({ name: 'train' }, { admission, queue: { name: 'team-q', reason: 'Admitted', message: 'admitted' } });
    expect(await columns()).toEqual(['team-q', '500']);
    await jobs.setAdmission({ name: 'train' }, {
      expectedAdmission: admission,
      queue: { name: 'team-q', position: 1, reason: 'Preempted', message: 'preempted' },
      preemption: { by: 'Job/default/urgent-job', queue: 'team-q', priority: 1000, at: '2026-12-02T17:05:00.000Z' },
    });
    described = (await skym('describe', 'job', 'train', '-n', 'team-a')).stdout;
    expect(described).toMatch(/Position:\s+1st of 12 in queue team-q\n/);
    expect(described).toContain('Preemptions:\n  Preempted to admit default/urgent-job (priority 1000) at 2026-12-02T17:05:00.000Z');
  });
});
