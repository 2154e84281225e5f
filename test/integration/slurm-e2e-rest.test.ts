/**
 * The Slurm end-to-end suite (test/helpers/slurm-e2e-suite.ts) through slurmrestd (`--rest-url`),
 * its JWT read from SKY_SLURM_JWT_FILE on the controller machine; then what is particular to REST:
 * slurmrestd going away, and a token it refuses.
 */
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/domain/types.js';
import { slurmEndToEnd } from '../helpers/slurm-e2e-suite.js';
import { clusterWhere } from '../helpers/clusters.js';

const e2e = slurmEndToEnd('rest', 'e2er');
const logs = () => e2e.controllers.logs().slice(-3000);

describe('slurmrestd particulars', () => {
  it('turns the cluster ERROR naming the URL while slurmrestd is gone, and READY again when it is back', async () => {
    const [A] = e2e.names;
    const daemon = e2e.restd.get(A)!;
    await daemon.kill();
    let error: Cluster;
    try {
      error = await clusterWhere(e2e.clusters, A, 'ERROR', (c) => c.status.phase === 'ERROR', logs);
    } finally {
      await daemon.start();
    }
    expect(error.status.message).toContain(`slurmrestd ${daemon.url}`);
    expect(error.status.message).toMatch(/ECONNREFUSED/);
    await clusterWhere(e2e.clusters, A, 'READY again', (c) => c.status.phase === 'READY', logs);
  }, 300_000);

  it('says which token file holds a token that expired, and reads a renewed one without a restart', async () => {
    const [A] = e2e.names;
    const daemon = e2e.restd.get(A)!;
    await daemon.renewToken(1);
    try {
      const error = await clusterWhere(e2e.clusters, A, 'ERROR', (c) => c.status.phase === 'ERROR', logs);
      expect(error.status.message).toContain(`the token in ${daemon.tokenFile} expired at`);
    } finally {
      await daemon.renewToken();
    }
    await clusterWhere(e2e.clusters, A, 'READY again', (c) => c.status.phase === 'READY', logs);
  }, 300_000);

  it('names the token file when slurmctld refuses a token (one signed with another key)', async () => {
    const [, B] = e2e.names;
    const daemon = e2e.restd.get(B)!;
    const forged = daemon.token.replace(/\.[^.]+$/, '.c2lnbmVkLWVsc2V3aGVyZQ');
    await writeFile(daemon.tokenFile, `SLURM_JWT=${forged}\n`);
    try {
      const error = await clusterWhere(e2e.clusters, B, 'ERROR', (c) => c.status.phase === 'ERROR', logs);
      expect(error.status.message).toContain(`refuses the token in ${daemon.tokenFile}`);
    } finally {
      await daemon.renewToken();
    }
    await clusterWhere(e2e.clusters, B, 'READY again', (c) => c.status.phase === 'READY', logs);
  }, 300_000);
});
