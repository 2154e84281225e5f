/**
 * `skym create KIND` with every flag, against a real API server: what the binary prints, and what
 * the server then holds (read back with the typed client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, DeploymentAPI, FilterPolicyAPI, JobAPI, NamespaceAPI, SkyClient } from '../../src/client/index.js';
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

describe('create cluster', () => {
  const clusters = () => new ClusterAPI({ client });

  it('kubernetes, with its context, kubeconfig and labels', async () => {
    const result = await skym('create', 'cluster', 'gke', '--manager', 'kubernetes', '--context', 'gke_p_z_c', '--kubeconfig', '/etc/kube.yaml', '--label', 'env=prod', '--label', 'gpu=true');
    expect(result).toMatchObject({ code: 0, stdout: 'Created cluster gke.\n', stderr: '' });
    const cluster = await clusters().get('gke');
    expect(cluster.spec).toEqual({ manager: 'KUBERNETES', kubernetes: { context: 'gke_p_z_c', kubeconfigPath: '/etc/kube.yaml' } });
    expect(cluster.metadata.labels).toEqual({ env: 'prod', gpu: 'true' });
  });

  it('slurm, reached over SSH', async () => {
    await skym('create', 'cluster', 'hpc', '--manager', 'slurm', '--ssh-host', 'alice@login', '--partition', 'gpu', '--slurm-conf', '/etc/slurm/slurm.conf');
    expect((await clusters().get('hpc')).spec).toEqual({ manager: 'SLURM', slurm: { sshHost: 'alice@login', partition: 'gpu', slurmConf: '/etc/slurm/slurm.conf' } });
  });

  it('slurm, reached through slurmrestd; the server refuses a URL with credentials in it, naming the field', async () => {
    await skym('create', 'cluster', 'hpc-rest', '--manager', 'slurm', '--rest-url', 'https://slurm-head:6820');
    expect((await clusters().get('hpc-rest')).spec).toEqual({ manager: 'SLURM', slurm: { restUrl: 'https://slurm-head:6820' } });
    const refused = await skym('create', 'cluster', 'leaky', '--manager', 'slurm', '--rest-url', 'http://root:secret@slurm-head:6820');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('spec.slurm.restUrl: must not carry credentials');
    expect((await skym('create', 'cluster', 'odd', '--manager', 'slurm', '--rest-url', 'ftp://slurm-head')).stderr).toContain(
      'spec.slurm.restUrl: must be an http:// or https:// URL (got ftp://)',
    );
  });

  it('local, with slots in the same units as --resources', async () => {
    await skym('create', 'cluster', 'laptop', '--manager', 'local', '--cpu', '500m', '--memory', '8Gi', '--gpu', '1');
    expect((await clusters().get('laptop')).spec).toEqual({ manager: 'LOCAL', local: { cpu: 0.5, memory: 8192, gpu: 1 } });
  });

  it('with its prices (--cost, comma-separated or repeated), and refuses a bad one naming the flag', async () => {
    await skym('create', 'cluster', 'cloud', '--manager', 'local', '--cost', 'gpu=2.40,cpu=0.05', '--cost', 'memory=0.005');
    expect((await clusters().get('cloud')).spec.cost).toEqual({ cpu: 0.05, gpu: 2.4, memory: 0.005 });
    expect(await skym('create', 'cluster', 'dear', '--manager', 'local', '--cost', 'gpu=lots')).toMatchObject({ code: 1, stderr: 'Error: --cost gpu: "lots" is not a price such as 2.40\n' });
    expect((await skym('create', 'cluster', 'dear', '--manager', 'local', '--cost', 'tpu=1')).stderr).toContain('--cost: unknown resource "tpu"');
    // A negative price is the server's to refuse, naming the field.
    expect((await skym('create', 'cluster', 'dear', '--manager', 'local', '--cost', 'gpu=-1')).stderr).toContain('spec.cost.gpu: must be at least 0');
  });

  it('refuses a connection flag of another manager, before asking the server', async () => {
    const result = await skym('create', 'cluster', 'mixed', '--manager', 'slurm', '--cpu', '4');
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'Error: --cpu does not apply to --manager slurm; it takes --slurm-conf, --ssh-host, --rest-url, --partition\n' });
    await expect(clusters().get('mixed')).rejects.toThrow("Object 'clusters/mixed' not found.");
  });
});

describe('create job and deployment', () => {
  it('job: every flag lands in the spec; --resources in both forms', async () => {
    const result = await skym(
      'create', 'job', 'train', '-n', 'team-a',
      '--resources', 'cpu', '2', '--resources', 'memory=8Gi,gpu=1', '--resources', 'accelerator', 'A100',
      '--run', 'python train.py', '--image', 'pytorch/pytorch', '--replicas', '4',
      '--label', 'app=train', '--env', 'EPOCHS=10', '--env', 'OPTS=--lr=0.1',
      '--cluster-selector', 'gpu=true', '--strategy', 'pack', '--restart-policy', 'on-failure', '--wait-timeout', '300',
    );
    expect(result).toMatchObject({ code: 0, stdout: 'Created job train in namespace team-a.\n', stderr: '' });
    const job = await new JobAPI({ client, namespace: 'team-a' }).get('train');
    expect(job.metadata.labels).toEqual({ app: 'train' });
    expect(job.spec).toEqual({
      image: 'pytorch/pytorch',
      run: 'python train.py',
      envs: [
        { name: 'EPOCHS', value: '10' },
        { name: 'OPTS', value: '--lr=0.1' },
      ],
      resources: { cpu: 2, memory: 8192, gpu: 1, accelerator: 'A100' },
      replicas: 4,
      restartPolicy: 'ON_FAILURE',
      placement: { clusterSelector: 'gpu=true', preferences: [], strategy: 'PACK' },
      waitTimeout: 300,
    });
  });

  it('deployment: the same flags, `deploy` for short; --json prints the created object', async () => {
    const result = await skym('create', 'deploy', 'web', '--replicas', '3', '--resources', 'cpu', '0.5', '--image', 'nginx', '--run', "nginx -g 'daemon off;'", '--json');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    const stored = await new DeploymentAPI({ client }).get('web');
    expect(printed).toEqual(stored);
    expect(stored.spec).toMatchObject({ image: 'nginx', replicas: 3, resources: { cpu: 0.5 }, restartPolicy: 'ALWAYS' });
  });

  it('refuses a job or deployment without --run, saying what to pass, before asking the server', async () => {
    const job = await skym('create', 'job', 'idle', '--resources', 'cpu', '1');
    expect(job).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Error: --run is required: the command each replica runs, e.g. --run "echo hi". Clusters run it with sh -c (inside the --image container on Kubernetes); without it a job would complete having done nothing.\n',
    });
    await expect(new JobAPI({ client }).get('idle')).rejects.toThrow("Object 'jobs/default/idle' not found.");
    // An image alone runs nothing either: the replica is `sh -c RUN` in it.
    const deployment = await skym('create', 'deployment', 'idle-web', '--image', 'nginx', '--run', ' ');
    expect(deployment).toMatchObject({ code: 1, stdout: '' });
    expect(deployment.stderr).toMatch(/^Error: --run is required: .*without it a deployment's replicas would exit at once and restart forever\.\n$/);
    await expect(new DeploymentAPI({ client }).get('idle-web')).rejects.toThrow("Object 'deployments/default/idle-web' not found.");
  });

  it('refuses a malformed --resources with the reason', async () => {
    expect(await skym('create', 'job', 'bad', '--resources', 'cpu', 'lots', '--run', 'x')).toMatchObject({
      code: 1,
      stderr: 'Error: --resources cpu: "lots" is not a quantity of cores such as 1, 0.5 or 500m\n',
    });
  });
});

describe('create namespace and filterpolicy', () => {
  it('namespace, with labels; `ns` for short', async () => {
    expect(await skym('create', 'ns', 'team-b', '--label', 'owner=alice')).toMatchObject({ code: 0, stdout: 'Created namespace team-b.\n' });
    expect((await new NamespaceAPI({ client }).get('team-b')).metadata.labels).toEqual({ owner: 'alice' });
  });

  it('filterpolicy: the demo\'s policy from flags', async () => {
    const result = await skym(
      'create', 'filterpolicy', 'remove-mluo-cloud', '-n', 'team-a',
      '--include', 'mluo-onprem,mluo-cloud', '--include', 'cloud-2', '--exclude', 'mluo-cloud',
      '--labels-selector', 'my_app=testing', '--cluster-selector', 'env!=dev',
    );
    expect(result).toMatchObject({ code: 0, stdout: 'Created filterpolicy remove-mluo-cloud in namespace team-a.\n' });
    const policy = await new FilterPolicyAPI({ client, namespace: 'team-a' }).get('remove-mluo-cloud');
    expect(policy.spec).toEqual({
      clusterFilter: { include: ['mluo-onprem', 'mluo-cloud', 'cloud-2'], exclude: ['mluo-cloud'], clusterSelector: 'env!=dev' },
      labelsSelector: { my_app: 'testing' },
    });
  });
});
