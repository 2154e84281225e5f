/**
 * A Cluster's spec, with its limits: which manager runs it and how to reach it. The connection
 * section must match the manager (a `slurm` block on a KUBERNETES cluster is a mistake the user
 * should hear about, not something silently ignored). types.ts, the resolver's checks and the
 * GraphQL types ClusterSpec and ClusterSpecInput derive from it.
 */
import { z } from 'zod/v4';
import { MAX_CLUSTER_SPEC_STRING_BYTES, MAX_NODE_RESOURCES, MAX_PRICE_PER_HOUR, MAX_WAIT_TIMEOUT_SECONDS } from '../limits.js';
import { graphql, number, object, oneOf, text } from './fields.js';

export const CLUSTER_MANAGERS = ['KUBERNETES', 'SLURM', 'LOCAL'] as const;
export type ClusterManagerType = (typeof CLUSTER_MANAGERS)[number];

/** Which connection section belongs to which manager. */
const SECTION_OF = { KUBERNETES: 'kubernetes', SLURM: 'slurm', LOCAL: 'local' } as const;

/** A connection section's strings (context, paths, host, partition), each bounded. */
const setting = () => text({ maxBytes: MAX_CLUSTER_SPEC_STRING_BYTES }).optional();

const kubernetesConfig = object('KubernetesConfig', {
  /** Context in the controller machine's kubeconfig; credentials never pass through the API. */
  context: graphql(setting(), { description: "A context of the controller machine's kubeconfig." }),
  kubeconfigPath: setting(),
});

const slurmConfig = object('SlurmConfig', {
  /** Path of slurm.conf on the controller machine (SLURM_CONF for the Slurm commands). */
  slurmConf: setting(),
  /** user@host of a login node reached over SSH; empty means run the commands locally. */
  sshHost: setting(),
  /**
   * slurmrestd's base URL: then capacity, submit, status and cancel go over its REST API with a
   * JWT read on the controller machine, and the jobs' files are read as without it (locally, or
   * through sshHost when that is set too).
   */
  restUrl: graphql(text({ maxBytes: MAX_CLUSTER_SPEC_STRING_BYTES }, restUrlProblem).optional(), {
    description: "slurmrestd's base URL (http or https); the JWT is read on the controller machine, never passed through the API.",
  }),
  partition: setting(),
});

/** An http(s) URL without credentials in it: the token is the controller machine's. */
function restUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an http:// or https:// URL, like http://slurm-head:6820';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http:// or https:// URL (got ${url.protocol}//)`;
  if (url.username || url.password) return 'must not carry credentials: the JWT is read from SKY_SLURM_JWT_FILE on the controller machine';
  if (url.search || url.hash) return 'must be a base URL, without ?query or #fragment';
  return undefined;
}

// A local cluster is this one machine: its slots are bounded as one node's figures; unset
// figures default to this machine's.
const localConfig = object('LocalConfig', {
  cpu: number({ max: MAX_NODE_RESOURCES.cpu }).optional(),
  memory: number({ max: MAX_NODE_RESOURCES.memory }).optional(),
  gpu: number({ integer: true, max: MAX_NODE_RESOURCES.gpu }).optional(),
});

/** What an hour of each resource costs here: 0 (or left out) for hardware the organization owns. */
const price = () => number({ min: 0, max: MAX_PRICE_PER_HOUR }).default(0);
const clusterCost = object(
  'ClusterCost',
  {
    cpu: graphql(price(), { description: 'Per core-hour.' }),
    gpu: graphql(price(), { description: 'Per GPU-hour.' }),
    memory: graphql(price(), { description: 'Per GiB-hour.' }),
  },
  "What running here costs per hour of each resource, in the organization's currency; 0 for owned hardware.",
);

const clusterSpec = object('ClusterSpec', {
  manager: oneOf(CLUSTER_MANAGERS, 'ClusterManager'),
  kubernetes: graphql(kubernetesConfig.optional(), { inputDescription: 'Only with manager KUBERNETES.' }),
  slurm: graphql(slurmConfig.optional(), { inputDescription: 'Only with manager SLURM.' }),
  local: graphql(localConfig.optional(), { inputDescription: 'Only with manager LOCAL.' }),
  /** Seconds a replica may wait in this cluster before it is evicted; a workload's own waitTimeout wins. */
  waitTimeout: graphql(number({ integer: true, min: 1, max: MAX_WAIT_TIMEOUT_SECONDS }).optional(), {
    description: 'Seconds a replica may wait in this cluster before it is evicted and placed elsewhere, for workloads that set no waitTimeout of their own.',
    inputDescription: 'Seconds; the default wait timeout of workloads placed here.',
  }),
  /** Left out: free (owned hardware). Work waits for cheaper clusters as its queue's waiting policy says. */
  cost: graphql(clusterCost.optional(), {
    description: 'Prices per hour of each resource; absent: free. Work goes to a costlier cluster only once its waiting policy lets it (src/bursting).',
  }),
});

/** Sections that do not belong to the manager, refused before anything in them is checked. */
const sectionsMatchManager = z
  .object({ manager: z.unknown() })
  .loose()
  .superRefine((spec, ctx) => {
    const manager = spec.manager as ClusterManagerType;
    if (!CLUSTER_MANAGERS.includes(manager)) return;
    for (const [owner, section] of Object.entries(SECTION_OF)) {
      if (spec[section] !== undefined && owner !== manager) {
        ctx.addIssue({ code: 'custom', path: [section], message: `is only allowed when manager is ${owner} (this cluster's manager is ${manager})` });
      }
    }
  });

/** Typed as taking what the spec takes: the first stage only compares sections and manager. */
export const CLUSTER_SPEC = sectionsMatchManager.pipe(clusterSpec) as unknown as z.ZodPipe<typeof clusterSpec, typeof clusterSpec>;

export type ClusterSpec = z.output<typeof clusterSpec>;
export type KubernetesConfig = z.output<typeof kubernetesConfig>;
export type SlurmConfig = z.output<typeof slurmConfig>;
export type LocalConfig = z.output<typeof localConfig>;
export type ClusterCost = z.output<typeof clusterCost>;
