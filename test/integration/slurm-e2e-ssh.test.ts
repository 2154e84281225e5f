/**
 * The Slurm end-to-end suite (test/helpers/slurm-e2e-suite.ts) through a login node: the Slurm
 * commands and the jobs' files over one SSH connection per cluster to a real sshd (`--ssh-host`).
 */
import { slurmEndToEnd } from '../helpers/slurm-e2e-suite.js';

slurmEndToEnd('ssh', 'e2es');
