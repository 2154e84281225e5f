/**
 * The controller manager's configuration (`skym controllers`, and the controller half of `skym
 * up`). The API address and token come from the client's settings (src/client/endpoint.ts, the
 * CLI's config file); of the rest only the log level and the Skylet token file are read from
 * SKYM_* variables, as the API server reads them.
 */
import { z } from 'zod';
import { ApiAddressError, apiEndpoints } from '../client/endpoint.js';
import { CONTROLLER_DEFAULTS as D } from './defaults.js';
import { leaderElectionTimingsProblem, type LeaderElectionTimings } from '../controllers/leader-elector.js';
import { DNS1123_LABEL } from '../domain/kinds.js';
import { booleanText, ConfigError, int, LOG_LEVELS, loadConfig, type ConfigValues } from './load.js';

/**
 * The API servers as GraphQL endpoints, from a list or its text (`http://a:50051,http://b:50051`,
 * as `--api` and SKYM_API give it), each normalised as every client does; a bad entry is named.
 */
const apiServers = z.preprocess(
  (value, ctx) => {
    const text = Array.isArray(value) ? value.join(',') : value;
    if (typeof text !== 'string') return value;
    try {
      return apiEndpoints(text);
    } catch (error) {
      if (!(error instanceof ApiAddressError)) throw error;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: error.message });
      return z.NEVER;
    }
  },
  z.array(z.string()).min(1),
);

const ControllerManagerConfigSchema = z
  .object({
    /** The API servers (several of one installation: the client uses one and fails over). */
    apiUrls: apiServers,
    /** Bearer token for an API server with a token file; its user needs group sky:controllers. */
    apiToken: z.string().min(1).optional(),
    /** Where cluster managers keep their files (local replicas' state and logs). */
    stateDir: z.string().min(1).default(D.stateDir),
    probeIntervalMs: int(50).default(D.probeIntervalMs),
    /** None: the cluster manager's own interval, else CONTROLLER_DEFAULTS.statusIntervalMs. */
    statusIntervalMs: int(50).optional(),
    /** Where the Skylet endpoint listens, through which the API server reads logs. */
    skyletHost: z.string().min(1).default(D.skyletHost),
    skyletPort: int(0).max(65_535).default(D.skyletPort),
    /** The Skylet token the endpoint requires (src/domain/skylet-token.ts); none: it is open. */
    skyletTokenFile: z.string().min(1).optional(),
    /** Where the controller manager serves /metrics (src/metrics/metrics-server.ts); 0 picks a free port. */
    metricsHost: z.string().min(1).default(D.metricsHost),
    metricsPort: int(0).max(65_535).default(D.metricsPort),
    failoverGraceMs: int(0).default(D.failoverGraceMs),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** Register each context of the kubeconfig as a cluster at start. */
    discover: z.boolean().default(true),
    /** A YAML file of Slurm clusters to register at start (src/cluster-managers/slurm/discovery.ts). */
    slurmClusters: z.string().min(1).optional(),
    /** Act only while holding the leader lease, so several replicas can run (`skym controllers` turns it on). */
    leaderElect: booleanText.default(false),
    /** Unique among the replicas; default hostname_pid. */
    leaderElectIdentity: z.string().min(1).max(253).optional(),
    leaderElectLeaseName: z.string().regex(DNS1123_LABEL, 'must be a DNS label: lower-case letters, digits and -').max(63).default(D.leaderElectLeaseName),
    leaderElectLeaseDurationMs: int(1).default(D.leaderElectLeaseDurationMs),
    leaderElectRenewDeadlineMs: int(1).default(D.leaderElectRenewDeadlineMs),
    leaderElectRetryPeriodMs: int(1).default(D.leaderElectRetryPeriodMs),
  })
  .strict();

export type ControllerManagerConfig = Readonly<z.infer<typeof ControllerManagerConfigSchema>>;
export type ControllerManagerConfigKey = keyof z.input<typeof ControllerManagerConfigSchema>;

/**
 * What `skym up` configures of its controllers: everything but the API, which it starts itself,
 * and the metrics endpoint: its API server's /metrics serves the controllers' metrics too.
 */
export const EmbeddedControllersSchema = ControllerManagerConfigSchema.omit({ apiUrls: true, apiToken: true, metricsHost: true, metricsPort: true });

export type EmbeddedControllersConfig = Readonly<z.infer<typeof EmbeddedControllersSchema>>;

/** The keys a command's flags set; the API's address and token are the client's settings. */
export const CONTROLLER_FLAG_KEYS = [...Object.keys(EmbeddedControllersSchema.shape), 'metricsHost', 'metricsPort'] as Exclude<ControllerManagerConfigKey, 'apiUrls' | 'apiToken'>[];

export const CONTROLLER_MANAGER_ENV_KEYS = ['logLevel', 'skyletTokenFile'] as const;

export function loadControllerManagerConfig(values: ConfigValues<ControllerManagerConfigKey>, env: NodeJS.ProcessEnv = process.env): ControllerManagerConfig {
  const config = loadConfig(ControllerManagerConfigSchema, CONTROLLER_MANAGER_ENV_KEYS, values, env);
  const problem = config.leaderElect ? leaderElectionTimingsProblem(leaderElectionTimings(config), TIMING_KEYS) : undefined;
  if (problem !== undefined) throw new ConfigError(`Invalid configuration:\n  ${problem}`);
  return config;
}

/** The keys, with the flags of `skym controllers` that set them. */
const TIMING_KEYS = {
  lease: 'leaderElectLeaseDurationMs (--lease-duration)',
  renew: 'leaderElectRenewDeadlineMs (--renew-deadline)',
  retry: 'leaderElectRetryPeriodMs (--retry-period)',
};

export function leaderElectionTimings(config: Pick<ControllerManagerConfig, 'leaderElectLeaseDurationMs' | 'leaderElectRenewDeadlineMs' | 'leaderElectRetryPeriodMs'>): LeaderElectionTimings {
  return {
    leaseDurationMs: config.leaderElectLeaseDurationMs,
    renewDeadlineMs: config.leaderElectRenewDeadlineMs,
    retryPeriodMs: config.leaderElectRetryPeriodMs,
  };
}
