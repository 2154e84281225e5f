/**
 * The largest values the API accepts, in one place so that validation, the CLI and the README
 * name the same figures. Each keeps what one write can make the server, the store, the scheduler
 * or a member cluster do within bounds; none is near what real work needs.
 */

/** Replicas of one Job or Deployment (Kubernetes bounds an indexed Job's parallelism alike). */
export const MAX_REPLICAS = 100_000;

/** What one replica may ask for, and what one node or local cluster may offer: no node is larger. */
export const MAX_NODE_RESOURCES = {
  /** Cores. */
  cpu: 100_000,
  /** MiB: 1 PiB. */
  memory: 1_073_741_824,
  gpu: 1_024,
} as const;

/** A whole cluster's capacity and allocatable figures (sums over its nodes). */
export const MAX_CLUSTER_RESOURCES = {
  cpu: 1_000_000_000,
  /** MiB: 1 EiB. */
  memory: 1_099_511_627_776,
  gpu: 1_000_000_000,
} as const;

/**
 * Seconds a replica may wait before it is evicted: 7 days. The eviction backoff is twice this, and
 * must stay below what a Node.js timer can wait (2^31 - 1 ms, about 24.8 days).
 */
export const MAX_WAIT_TIMEOUT_SECONDS = 604_800;

/** spec.run, in UTF-8 bytes: half of what Linux takes as one argument (`sh -c RUN`), 128 KiB. */
export const MAX_RUN_BYTES = 65_536;

/** spec.image: a registry reference is at most 255 characters of name, a 128-character tag and a digest. */
export const MAX_IMAGE_LENGTH = 512;

/** spec.envs: how many, and how long each name (characters) and value (UTF-8 bytes). */
export const MAX_ENVS = 1_000;
export const MAX_ENV_NAME_LENGTH = 256;
export const MAX_ENV_VALUE_BYTES = 32_768;

/** Label values, label-key names and accelerator names (a label value's rules). */
export const MAX_LABEL_VALUE_LENGTH = 63;
export const MAX_LABEL_NAME_LENGTH = 63;
/** The optional DNS-subdomain prefix of a label or annotation key ("sky.io/"). */
export const MAX_LABEL_PREFIX_LENGTH = 253;
/** All annotation keys and values of one object together, in UTF-8 bytes: 256 KiB, as in Kubernetes. */
export const MAX_ANNOTATIONS_BYTES = 262_144;

/** A label selector (placement, preferences, FilterPolicy, list and watch arguments), in characters. */
export const MAX_SELECTOR_LENGTH = 4_096;
/** placement.preferences entries. */
export const MAX_PREFERENCES = 100;
/** Cluster names in one FilterPolicy include or exclude list. */
export const MAX_POLICY_CLUSTER_NAMES = 1_000;

/** Each string of a Cluster's spec (kube context, kubeconfig path, slurm.conf, ssh host, partition): PATH_MAX. */
export const MAX_CLUSTER_SPEC_STRING_BYTES = 4_096;

/**
 * A whole object (metadata, spec and status) as JSON, in UTF-8 bytes: 1 MiB, so that with its key
 * it stays below etcd's default request limit of 1.5 MiB, as Kubernetes objects do.
 */
export const MAX_OBJECT_BYTES = 1_048_576;

/** Namespaces one Queue lists, and accelerator types one quota names. */
export const MAX_QUEUE_NAMESPACES = 1_000;
export const MAX_QUOTA_ACCELERATORS = 100;
/** A PriorityClass value: Kubernetes' range for user-defined classes (larger values are its system classes). */
export const MAX_PRIORITY_VALUE = 1_000_000_000;
export const MIN_PRIORITY_VALUE = -2_147_483_648;
/** PriorityClass description, in UTF-8 bytes. */
export const MAX_DESCRIPTION_BYTES = 4_096;
/** Preemptions one queue may cause per minute. */
export const MAX_PREEMPTIONS_PER_MINUTE = 10_000;
/** A queue's fair-share weight. */
export const MAX_QUEUE_WEIGHT = 1_000_000;
/** A Lease's holderIdentity, in UTF-8 bytes (a DNS-1123 subdomain's length: a host name with a suffix fits). */
export const MAX_LEASE_HOLDER_BYTES = 253;
/** A Lease's leaseDurationSeconds: at most a day. */
export const MAX_LEASE_DURATION_SECONDS = 86_400;
/** GraphQL's Int is 32-bit signed: counters stay within it. */
export const MAX_INT32 = 2_147_483_647;
/** Rules of one Role or ClusterRole. */
export const MAX_RBAC_RULES = 100;
/** Verbs, resources or names in one rule. */
export const MAX_RBAC_RULE_ENTRIES = 100;
/** Subjects of one binding. */
export const MAX_RBAC_SUBJECTS = 1_000;
/** A user or group name in a binding, in UTF-8 bytes. */
export const MAX_SUBJECT_NAME_BYTES = 1_024;

/** A cluster's price per cpu-hour, GPU-hour or GiB-hour, in the organization's currency unit. */
export const MAX_PRICE_PER_HOUR = 1_000_000;
/** A workload's expected runtime, in seconds: one year. */
export const MAX_EXPECTED_RUNTIME_SECONDS = 31_536_000;
/** A waiting policy's coefficient (seconds per unit of what the policy weighs), and its budget (a fraction of the mean runtime). */
export const MAX_WAITING_COEFFICIENT = 1_000_000_000;
export const MAX_WAITING_BUDGET = 1_000;
/** Releases one cluster's status lists (later ones are merged into the last). */
export const MAX_CLUSTER_RELEASES = 100;

/**
 * What one cluster's replicas of a workload may cost per hour: every replica allowed, each of the
 * largest size, at the highest prices. A Skylet's report never exceeds it.
 */
export const MAX_COST_RATE_PER_HOUR =
  MAX_REPLICAS * (MAX_NODE_RESOURCES.cpu + MAX_NODE_RESOURCES.gpu + MAX_NODE_RESOURCES.memory / 1024) * MAX_PRICE_PER_HOUR;
/** What a workload's replicas may accrue on one cluster: ten years at the highest rate (about 1e22). */
export const MAX_ACCRUED_COST = MAX_COST_RATE_PER_HOUR * 24 * 365 * 10;
