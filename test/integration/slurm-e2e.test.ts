/**
 * The Slurm end-to-end suite (test/helpers/slurm-e2e-suite.ts) over the Slurm commands of the
 * controller machine (`--slurm-conf`).
 */
import { slurmEndToEnd } from '../helpers/slurm-e2e-suite.js';

slurmEndToEnd('local', 'e2e');
