import { Args, Flags } from '@oclif/core';
import type { Manifest } from '../../../src/client/index.js';
import type { Cluster, ClusterManagerType } from '../../../src/domain/types.js';
import { ApiCommand } from '../../api-command.js';
import { createObject } from '../../create.js';
import { UsageError } from '../../errors.js';
import { label, parsePrices, parseResourceValue, toMap } from '../../flags.js';

/** What --manager accepts; `k8` is how the original demo wrote it. */
const MANAGERS: Record<string, ClusterManagerType> = { k8: 'KUBERNETES', k8s: 'KUBERNETES', kubernetes: 'KUBERNETES', slurm: 'SLURM', local: 'LOCAL' };

/** The connection flags of each manager; any other is a mistake worth naming before the server does. */
const CONNECTION_FLAGS: Record<ClusterManagerType, readonly string[]> = {
  KUBERNETES: ['context', 'kubeconfig'],
  SLURM: ['slurm-conf', 'ssh-host', 'rest-url', 'partition'],
  LOCAL: ['cpu', 'memory', 'gpu'],
};

export default class CreateCluster extends ApiCommand {
  static override summary = 'Register a cluster (Kubernetes, Slurm or this machine) for Sky Manager to run work on.';

  static override description = `The controllers connect to it, report its capacity (see \`skym get clusters\`) and start placing workloads on it once it is READY. Credentials never pass through the API: a Kubernetes cluster is a context of the controller machine's kubeconfig, a Slurm cluster is reached through its slurm.conf or over SSH, and a local cluster runs replicas as processes of the controller machine.`;

  static override examples = [
    { description: 'As in the original demo.', command: '<%= config.bin %> create cluster skycluster --manager k8' },
    { description: 'A context of your kubeconfig, labelled.', command: '<%= config.bin %> create cluster gke-prod --manager kubernetes --context gke_proj_us-east1_prod --label env=prod' },
    { description: 'A Slurm cluster reached over SSH.', command: '<%= config.bin %> create cluster hpc --manager slurm --ssh-host alice@login.hpc.example.edu --partition gpu' },
    { description: 'A Slurm cluster reached through slurmrestd.', command: '<%= config.bin %> create cluster hpc --manager slurm --rest-url http://slurm-head:6820' },
    { description: 'Four cores and 8 GiB of this machine.', command: '<%= config.bin %> create cluster laptop --manager local --cpu 4 --memory 8Gi' },
    { description: 'A cloud cluster with its prices: work goes there only as its waiting policy allows.', command: '<%= config.bin %> create cluster gke --manager kubernetes --context gke_proj_us-east1_prod --cost gpu=2.40,cpu=0.05' },
  ];

  static override args = {
    name: Args.string({ required: true, description: 'Name of the cluster (lower-case letters, digits and -).' }),
  };

  static override flags = {
    manager: Flags.string({
      required: true,
      options: Object.keys(MANAGERS),
      description: 'What runs the cluster: kubernetes (or k8, k8s), slurm, or local (this machine).',
    }),
    label,
    context: Flags.string({ description: 'kubernetes: context in the kubeconfig. Default: the current context.', helpGroup: 'KUBERNETES' }),
    kubeconfig: Flags.string({ description: 'kubernetes: path of the kubeconfig file. Default: $KUBECONFIG or ~/.kube/config.', helpGroup: 'KUBERNETES', helpValue: 'PATH' }),
    'slurm-conf': Flags.string({ description: 'slurm: path of slurm.conf on the controller machine.', helpGroup: 'SLURM', helpValue: 'PATH' }),
    'ssh-host': Flags.string({ description: 'slurm: user@host of a login node to run the Slurm commands on over SSH.', helpGroup: 'SLURM', helpValue: 'USER@HOST' }),
    'rest-url': Flags.string({
      description: "slurm: slurmrestd's URL, to reach the cluster over its REST API (the JWT is read from SKY_SLURM_JWT_FILE on the controller machine).",
      helpGroup: 'SLURM',
      helpValue: 'URL',
    }),
    partition: Flags.string({ description: 'slurm: partition to submit to. Default: the cluster\'s default.', helpGroup: 'SLURM' }),
    cpu: Flags.string({ description: 'local: cores to offer (1, 0.5 or 500m). Default: all of this machine\'s.', helpGroup: 'LOCAL' }),
    memory: Flags.string({ description: 'local: memory to offer, MiB or with a unit (8Gi). Default: all of this machine\'s.', helpGroup: 'LOCAL' }),
    gpu: Flags.string({ description: 'local: GPUs to offer. Default: all of this machine\'s.', helpGroup: 'LOCAL' }),
    cost: Flags.string({
      multiple: true,
      multipleNonGreedy: true,
      description: 'Prices per core-hour (cpu), GPU-hour (gpu) and GiB-hour (memory), comma-separated or repeated. Default: free (owned hardware).',
      helpValue: 'gpu=P,cpu=P,memory=P',
    }),
    'wait-timeout': Flags.integer({
      min: 1,
      description: 'Seconds a replica may wait in this cluster before it is evicted and placed elsewhere, for workloads that set no --wait-timeout of their own.',
      helpValue: 'SECONDS',
    }),
  };

  async run(): Promise<Cluster> {
    const { args, flags } = await this.parse(CreateCluster);
    const manager = MANAGERS[flags.manager];
    const given = Object.values(CONNECTION_FLAGS).flat().filter((flag) => flags[flag as keyof typeof flags] !== undefined);
    const misplaced = given.find((flag) => !CONNECTION_FLAGS[manager].includes(flag));
    if (misplaced) throw new UsageError(`--${misplaced} does not apply to --manager ${flags.manager}; it takes ${CONNECTION_FLAGS[manager].map((f) => `--${f}`).join(', ')}`);

    const spec: Manifest<'Cluster'>['spec'] = { manager, waitTimeout: flags['wait-timeout'], cost: parsePrices(flags.cost, '--cost') };
    if (manager === 'KUBERNETES' && given.length > 0) spec.kubernetes = { context: flags.context, kubeconfigPath: flags.kubeconfig };
    if (manager === 'SLURM' && given.length > 0) spec.slurm = { slurmConf: flags['slurm-conf'], sshHost: flags['ssh-host'], restUrl: flags['rest-url'], partition: flags.partition };
    if (manager === 'LOCAL' && given.length > 0) {
      // The same quantities as a workload's --resources, so `--memory 8Gi` means the same here.
      const slot = <K extends 'cpu' | 'memory' | 'gpu'>(key: K) => (flags[key] === undefined ? undefined : parseResourceValue(key, flags[key], `--${key}`));
      spec.local = { cpu: slot('cpu'), memory: slot('memory'), gpu: slot('gpu') };
    }
    return createObject(await this.connect(flags), this.out, 'Cluster', { metadata: { name: args.name, labels: toMap(flags.label, '--label') }, spec });
  }
}
