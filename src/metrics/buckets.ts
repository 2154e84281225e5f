/** Histogram buckets in seconds, one set per kind of wait, so that the dashboard's quantiles mean something. */

/** An API request, a store write, a watch event's way to its subscriber: milliseconds to seconds. */
export const FAST_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A cluster's health and capacity probe: a local call, a Kubernetes list, a Slurm command over ssh. */
export const PROBE_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** How long work waits for admission or placement: milliseconds when there is room, hours when a queue is full. */
export const WAIT_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400];
