/**
 * `skym apply -f` against a real API server: YAML and JSON files and standard input, create then
 * update, `get -o json|yaml` round-tripping, and the resourceVersion precondition.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, FilterPolicyAPI, JobAPI, NamespaceAPI, SkyClient, type Job } from '../../src/client/index.js';
import { runSkym } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;
let dir: string;
let runs = 0;
const skym = (args: string[], input?: string) => runSkym(args, { api: server.url, input });

async function freshNamespace(): Promise<string> {
  const name = `apply-${++runs}`;
  await new NamespaceAPI({ client }).create({ metadata: { name } });
  return name;
}

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
  dir = await mkdtemp(join(tmpdir(), 'skym-apply-'));
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('apply -f FILE', () => {
  it('creates what is missing, leaves what matches, updates what differs', async () => {
    const file = join(dir, 'objects.yaml');
    const documents = (run: string) =>
      [
        'kind: Namespace\nmetadata:\n  name: shop',
        'kind: Cluster\nmetadata:\n  name: apply-cluster\n  labels: {env: prod}\nspec:\n  manager: LOCAL\n  local: {cpu: 2}',
        `kind: Job\nmetadata:\n  name: hello\n  namespace: shop\n  labels: {testing: hello}\nspec:\n  image: gcr.io/sky-burst/skyburst:latest\n  resources: {cpu: 1}\n  run: ${run}`,
        'kind: FilterPolicy\nmetadata: {name: no-cloud, namespace: shop}\nspec:\n  clusterFilter: {exclude: [mluo-cloud]}\n  labelsSelector: {testing: hello}',
      ].join('\n---\n');

    await writeFile(file, documents('echo Sky!'));
    const first = await skym(['apply', '-f', file]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(
      ['Created namespace shop.', 'Created cluster apply-cluster.', 'Created job hello in namespace shop.', 'Created filterpolicy no-cloud in namespace shop.', ''].join('\n'),
    );
    expect((await new ClusterAPI({ client }).get('apply-cluster')).spec).toEqual({ manager: 'LOCAL', local: { cpu: 2 } });
    expect((await new FilterPolicyAPI({ client, namespace: 'shop' }).get('no-cloud')).spec.clusterFilter.exclude).toEqual(['mluo-cloud']);

    const again = await skym(['apply', '-f', file]);
    expect(again.stdout).toBe(
      [
        'Left namespace shop unchanged.',
        'Left cluster apply-cluster unchanged.',
        'Left job hello in namespace shop unchanged.',
        'Left filterpolicy no-cloud in namespace shop unchanged.',
        '',
      ].join('\n'),
    );

    await writeFile(file, documents('echo changed'));
    const changed = await skym(['apply', '-f', file]);
    expect(changed.stdout).toContain('Updated job hello in namespace shop.\n');
    expect(changed.stdout).toContain('Left cluster apply-cluster unchanged.\n');
    const job = await new JobAPI({ client, namespace: 'shop' }).get('hello');
    expect(job.spec.run).toBe('echo changed');
    expect(job.metadata.generation).toBe(2);
  });

  it('checks every document before applying any', async () => {
    const ns = await freshNamespace();
    const result = await skym(['apply', '-f', '-'], `kind: Job\nmetadata: {name: first, namespace: ${ns}}\nspec: {run: x}\n---\nkind: Job\nmetadata: {name: second}\nspecs: {run: x}\n`);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'Error: standard input, document 2: unknown field "specs"; expected kind, metadata, spec\n' });
    expect((await new JobAPI({ client, namespace: ns }).list()).items).toEqual([]);
  });

  it('has the server check every document first: one it refuses, with its place and field, and nothing is written', async () => {
    const ns = await freshNamespace();
    const file = `kind: Job\nmetadata: {name: good}\nspec: {run: x}\n---\nkind: Job\nmetadata: {name: bad}\nspec: {runn: x}\n---\nkind: Job\nmetadata: {name: worse}\nspec: {replicas: -1}\n`;
    const result = await skym(['apply', '-f', '-', '-n', ns], file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      'Error: standard input, document 2: invalid spec.runn: Field "runn" is not defined by type "WorkloadSpecInput". Did you mean "run"?',
      expect.stringMatching(/^Error: standard input, document 3: invalid spec\.replicas: /),
      'Nothing was applied: 2 of 3 objects failed the server\'s check.',
      '',
    ]);
    expect((await new JobAPI({ client, namespace: ns }).list()).items).toEqual([]);
  });

  it('checks objects of a namespace the same file creates when it writes them', async () => {
    const ns = `apply-new-${++runs}`;
    const result = await skym(['apply', '-f', '-'], `kind: Namespace\nmetadata: {name: ${ns}}\n---\nkind: Job\nmetadata: {name: j, namespace: ${ns}}\nspec: {run: x}\n`);
    expect(result).toMatchObject({ code: 0, stdout: `Created namespace ${ns}.\nCreated job j in namespace ${ns}.\n`, stderr: '' });
  });

  it('refuses a namespace in the file that -n contradicts', async () => {
    const result = await skym(['apply', '-f', '-', '-n', 'other'], 'kind: Job\nmetadata: {name: x, namespace: shop}\nspec: {run: x}\n');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe('Error: standard input, document 1: its namespace is "shop" but -n says "other"\n');
  });
});

describe('round trips through get -o json|yaml', () => {
  it('a JSON List applies back unchanged, and edited applies the edits; status in the file is ignored', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'a' }, spec: { run: 'x', replicas: 2 } });
    await jobs.create({ metadata: { name: 'b', labels: { app: 'b' } }, spec: { run: 'y' } });
    await jobs.updateStatus({ metadata: { name: 'a' }, status: { phase: 'RUNNING', placements: [{ cluster: 'c', replicas: 2 }] } });

    const listed = (await skym(['get', 'jobs', '-n', ns, '-o', 'json'])).stdout;
    const unchanged = await skym(['apply', '-f', '-'], listed);
    expect(unchanged).toMatchObject({ code: 0, stdout: `Left job a in namespace ${ns} unchanged.\nLeft job b in namespace ${ns} unchanged.\n` });

    const list = JSON.parse(listed) as { items: Job[] };
    list.items[1].spec.run = 'echo edited';
    list.items[1].metadata.labels.tier = 'back';
    list.items[1].status.phase = 'FAILED'; // not the user's to set
    const edited = await skym(['apply', '-f', '-'], JSON.stringify(list));
    expect(edited).toMatchObject({ code: 0, stdout: `Left job a in namespace ${ns} unchanged.\nUpdated job b in namespace ${ns}.\n` });
    const b = await jobs.get('b');
    expect(b.spec.run).toBe('echo edited');
    expect(b.metadata.labels).toEqual({ app: 'b', tier: 'back' });
    expect(b.status.phase).toBe('PENDING');
  });

  it('YAML edited after a controller wrote status still applies: only the spec generation is a precondition', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'busy' }, spec: { run: 'x' } });
    const yaml = (await skym(['get', 'job', 'busy', '-n', ns, '-o', 'yaml'])).stdout;
    // A controller's status write moves resourceVersion past the one in the YAML.
    await jobs.updateStatus({ metadata: { name: 'busy' }, status: { phase: 'RUNNING', placements: [{ cluster: 'c', replicas: 1 }] } });

    const object = parseYaml(yaml);
    object.spec.replicas = 3;
    const result = await skym(['apply', '-f', '-'], toYaml(object));
    expect(result).toMatchObject({ code: 0, stdout: `Updated job busy in namespace ${ns}.\n`, stderr: '' });
    expect((await jobs.get('busy')).spec.replicas).toBe(3);
  });

  it('YAML of a running job, with a label and the spec edited, applies while status writes keep coming', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'running', labels: { app: 'a' } }, spec: { run: 'x' } });
    const yaml = (await skym(['get', 'job', 'running', '-n', ns, '-o', 'yaml'])).stdout;
    // A Skylet reporting replica states: a status write every few milliseconds, all through.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await jobs.updateStatus({ metadata: { name: 'running' }, status: { phase: 'RUNNING', placements: [{ cluster: `c${i % 3}`, replicas: 1 }] } });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      const object = parseYaml(yaml);
      object.metadata.labels.tier = 'back';
      object.spec.replicas = 2;
      const result = await skym(['apply', '-f', '-'], toYaml(object));
      expect(result).toMatchObject({ code: 0, stdout: `Updated job running in namespace ${ns}.\n`, stderr: '' });
    } finally {
      writing = false;
      await writer;
    }
    const applied = await jobs.get('running');
    expect([applied.metadata.labels, applied.spec.replicas, applied.spec.run]).toEqual([{ app: 'a', tier: 'back' }, 2, 'x']);
  });

  it('a file without resourceVersion is merged onto the object: named fields set, null removes, the rest stays', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'partial', labels: { app: 'p', old: 'yes' } }, spec: { run: 'echo keep', resources: { cpu: 1 }, envs: [{ name: 'A', value: '1' }] } });
    const result = await skym(['apply', '-f', '-'], `kind: Job\nmetadata:\n  name: partial\n  namespace: ${ns}\n  labels: {old: null, new: "1"}\nspec:\n  replicas: 3\n  resources: {memory: 512}\n`);
    expect(result).toMatchObject({ code: 0, stdout: `Updated job partial in namespace ${ns}.\n`, stderr: '' });
    const job = await jobs.get('partial');
    expect(job.metadata.labels).toEqual({ app: 'p', new: '1' });
    expect(job.spec).toMatchObject({ run: 'echo keep', replicas: 3, resources: { cpu: 1, memory: 512 }, envs: [{ name: 'A', value: '1' }] });
  });

  it('YAML whose object someone else changed since is refused, not overwritten', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'shared' }, spec: { run: 'x' } });
    const yaml = (await skym(['get', 'job', 'shared', '-n', ns, '-o', 'yaml'])).stdout;
    const current = await jobs.get('shared');
    await jobs.update({ ...current, spec: { ...current.spec, run: 'their change' } });

    const mine = parseYaml(yaml);
    mine.spec.run = 'my change';
    const result = await skym(['apply', '-f', '-'], toYaml(mine));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Error: standard input, document 1: job "shared" in namespace "${ns}" was changed by someone else; get it again and retry\nNothing was applied: 1 of 1 objects failed the server's check.\n`,
    );
    expect((await jobs.get('shared')).spec.run).toBe('their change');
  });

  it('--json prints what happened to each object', async () => {
    const ns = await freshNamespace();
    const result = await skym(['apply', '-f', '-', '--json'], `{"kind": "Job", "metadata": {"name": "j", "namespace": "${ns}"}, "spec": {"run": "x"}}`);
    expect(result.code).toBe(0);
    const [applied] = JSON.parse(result.stdout);
    expect(applied).toMatchObject({ kind: 'Job', name: 'j', namespace: ns, action: 'created', object: { metadata: { name: 'j', namespace: ns } } });
  });
});

describe('quantities in files, as skym create takes them', () => {
  it('memory: 2Gi and cpu: 500m apply, in workloads and in a local cluster', async () => {
    const ns = await freshNamespace();
    const file = join(dir, 'quantities.yaml');
    await writeFile(
      file,
      [
        `kind: Job\nmetadata: {name: sized, namespace: ${ns}}\nspec:\n  run: echo hi\n  resources: {cpu: 500m, memory: 2Gi, gpu: "1"}`,
        'kind: Cluster\nmetadata: {name: sized-local}\nspec:\n  manager: LOCAL\n  local: {cpu: "2", memory: 8Gi}',
      ].join('\n---\n'),
    );
    const result = await skym(['apply', '-f', file]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect((await new JobAPI({ client, namespace: ns }).get('sized')).spec.resources).toEqual({ cpu: 0.5, memory: 2048, gpu: 1 });
    expect((await new ClusterAPI({ client }).get('sized-local')).spec.local).toEqual({ cpu: 2, memory: 8192 });
  });

  it('a value that is no quantity is refused in the file\'s terms, before anything is applied', async () => {
    const ns = await freshNamespace();
    const file = join(dir, 'jobs.yaml');
    await writeFile(file, `kind: Job\nmetadata: {name: fine, namespace: ${ns}}\nspec: {run: x}\n---\nkind: Job\nmetadata: {name: typo, namespace: ${ns}}\nspec: {run: x, resources: {memory: 2Gx}}\n`);
    const result = await skym(['apply', '-f', file]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(`Error: ${file}, document 2: spec.resources.memory: "2Gx" is not a quantity such as 512Mi, 2Gi or 1024 (MiB)\n`);
    expect((await new JobAPI({ client, namespace: ns }).list()).items).toEqual([]);
  });
});
