/** A Cluster's spec as the resolvers check and default it (src/domain/spec/cluster-spec.ts). */
import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../../src/domain/errors.js';
import { MAX_CLUSTER_SPEC_STRING_BYTES, MAX_NODE_RESOURCES } from '../../../src/domain/limits.js';
import { clusterKind } from '../../../src/resolvers/cluster.js';

const spec = (input: Parameters<typeof clusterKind.spec>[0]) => clusterKind.spec(input, 'input.spec');

function refusal(f: () => unknown): BadUserInputError {
  try {
    f();
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
  throw new Error('expected a BadUserInputError');
}

describe('a Cluster spec', () => {
  it('is required', () => {
    expect(refusal(() => spec(null)).message).toBe('input.spec: is required');
  });

  it("refuses a connection section of another manager, before anything in it is checked", () => {
    const error = refusal(() => spec({ manager: 'KUBERNETES', slurm: { partition: 'x'.repeat(MAX_CLUSTER_SPEC_STRING_BYTES + 1) } }));
    expect(error.field).toBe('input.spec.slurm');
    expect(error.message).toBe("input.spec.slurm: is only allowed when manager is SLURM (this cluster's manager is KUBERNETES)");
  });

  it('bounds the strings of its section and the slots of a local cluster', () => {
    expect(refusal(() => spec({ manager: 'KUBERNETES', kubernetes: { context: 'x'.repeat(MAX_CLUSTER_SPEC_STRING_BYTES + 1) } })).field).toBe('input.spec.kubernetes.context');
    expect(refusal(() => spec({ manager: 'LOCAL', local: { cpu: MAX_NODE_RESOURCES.cpu + 1 } })).message).toBe(
      `input.spec.local.cpu: ${MAX_NODE_RESOURCES.cpu + 1} is more than the maximum ${MAX_NODE_RESOURCES.cpu}.`,
    );
    expect(refusal(() => spec({ manager: 'LOCAL', local: { gpu: 0.5 } })).message).toBe('input.spec.local.gpu: must be an integer, got 0.5');
  });

  it('keeps what was given and leaves out what was not (nulls included)', () => {
    expect(spec({ manager: 'SLURM', slurm: { slurmConf: '/etc/slurm.conf', sshHost: null }, waitTimeout: 60 })).toEqual({
      manager: 'SLURM',
      slurm: { slurmConf: '/etc/slurm.conf' },
      waitTimeout: 60,
    });
    expect(spec({ manager: 'LOCAL', local: {} })).toEqual({ manager: 'LOCAL', local: {} });
    expect(spec({ manager: 'KUBERNETES', kubernetes: null })).toEqual({ manager: 'KUBERNETES' });
  });
});
