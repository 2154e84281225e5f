import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../../src/domain/errors.js';
import { clusterKind } from '../../../src/resolvers/cluster.js';
import { filterPolicyKind } from '../../../src/resolvers/filter-policy.js';
import {
  carryTransitionTimes,
  checkConditions,
  checkLabels,
  checkName,
  checkNumber,
  checkResources,
  checkResourceVersion,
  checkSelector,
} from '../../../src/resolvers/validation.js';
import { deploymentKind, jobKind } from '../../../src/resolvers/workload.js';

/** Runs `fn` and returns the field its BadUserInputError names. */
function badField(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof BadUserInputError) return error.field;
    throw error;
  }
  throw new Error('expected a BadUserInputError');
}

describe('checkName (DNS-1123 label)', () => {
  it.each(['a', 'cluster-0', '0abc', 'a'.repeat(63), 'x-y-z'])('accepts %j', (name) => {
    expect(checkName(name, 'f')).toBe(name);
  });
  it.each(['', 'A', 'my_job', '-a', 'a-', 'a.b', 'a b', 'a'.repeat(64), 'ünï'])('rejects %j', (name) => {
    expect(badField(() => checkName(name, 'input.metadata.name'))).toBe('input.metadata.name');
  });
});

describe('checkLabels', () => {
  it('accepts Kubernetes label keys and values', () => {
    expect(checkLabels({ app: 'web', 'sky.io/team': 'ml', empty: '' }, 'f')).toEqual({ app: 'web', 'sky.io/team': 'ml', empty: '' });
    expect(checkLabels(undefined, 'f')).toEqual({});
  });
  it.each([[{ 'bad key': 'v' }], [{ app: 'a b' }], [{ app: 'x'.repeat(64) }], [{ '': 'v' }]])('rejects %j naming the field', (labels) => {
    expect(badField(() => checkLabels(labels, 'input.metadata.labels'))).toBe('input.metadata.labels');
  });
});

describe('checkNumber and checkResources', () => {
  it('defaults absent figures to 0 and keeps the accelerator', () => {
    expect(checkResources({ cpu: 0.5, accelerator: 'A100' }, 'r')).toEqual({ cpu: 0.5, memory: 0, gpu: 0, accelerator: 'A100' });
    expect(checkResources(null, 'r')).toEqual({ cpu: 0, memory: 0, gpu: 0 });
  });
  it.each([
    [{ cpu: -1 }, 'spec.resources.cpu'],
    [{ memory: -0.1 }, 'spec.resources.memory'],
    [{ gpu: -1 }, 'spec.resources.gpu'],
    [{ gpu: 0.5 }, 'spec.resources.gpu'],
    [{ cpu: Number.POSITIVE_INFINITY }, 'spec.resources.cpu'],
    [{ memory: Number.NaN }, 'spec.resources.memory'],
  ])('rejects %j at %s', (input, field) => {
    expect(badField(() => checkResources(input, 'spec.resources'))).toBe(field);
  });
  it('applies integer and bounds rules', () => {
    expect(checkNumber(3, 'n', { integer: true, min: 1, max: 3 })).toBe(3);
    expect(badField(() => checkNumber(4, 'n', { max: 3 }))).toBe('n');
    expect(badField(() => checkNumber(0, 'n', { min: 1 }))).toBe('n');
  });
});

describe('selectors and versions', () => {
  it('returns a trimmed selector, or undefined when empty', () => {
    expect(checkSelector('  a=b ', 'f')).toBe('a=b');
    expect(checkSelector('', 'f')).toBeUndefined();
    expect(checkSelector(null, 'f')).toBeUndefined();
  });
  it('names the field of a malformed selector', () => {
    expect(badField(() => checkSelector('a in (b', 'input.spec.placement.clusterSelector'))).toBe('input.spec.placement.clusterSelector');
  });
  it.each(['0', '42', '9223372036854775807'])('accepts resourceVersion %j', (rv) => expect(checkResourceVersion(rv, 'rv')).toBe(rv));
  it.each(['', 'v1', '-1', '1.5', ' 1', '12345678901234567890'])('rejects resourceVersion %j', (rv) => {
    expect(badField(() => checkResourceVersion(rv, 'input.metadata.resourceVersion'))).toBe('input.metadata.resourceVersion');
  });
});

describe('conditions', () => {
  it('accept True/False/Unknown and leave a missing time for carryTransitionTimes', () => {
    expect(checkConditions([{ type: 'Ready', status: 'True', reason: null }], 'c')).toEqual([{ type: 'Ready', status: 'True', lastTransitionTime: '' }]);
    expect(badField(() => checkConditions([{ type: 'Ready', status: 'yes' }], 'input.status.conditions'))).toBe('input.status.conditions[0].status');
    expect(badField(() => checkConditions([{ type: 'Ready', status: 'True', lastTransitionTime: 'soon' }], 'c'))).toBe('c[0].lastTransitionTime');
  });
  it('keep the previous time while the status stays, and take now on a transition', () => {
    const before = [
      { type: 'Ready', status: 'True', lastTransitionTime: 'T1' },
      { type: 'Healthy', status: 'True', lastTransitionTime: 'T1' },
    ];
    const next = carryTransitionTimes(
      [
        { type: 'Ready', status: 'True', lastTransitionTime: '' },
        { type: 'Healthy', status: 'False', lastTransitionTime: '' },
        { type: 'New', status: 'True', lastTransitionTime: '' },
        { type: 'Given', status: 'True', lastTransitionTime: 'T0' },
      ],
      before,
      'NOW',
    );
    expect(next.map((c) => c.lastTransitionTime)).toEqual(['T1', 'NOW', 'NOW', 'T0']);
  });
});

describe('kind definitions', () => {
  it('Cluster: the connection section must match the manager', () => {
    expect(clusterKind.spec({ manager: 'SLURM', slurm: { partition: 'gpu', sshHost: null } }, 'input.spec')).toEqual({
      manager: 'SLURM',
      slurm: { partition: 'gpu' },
    });
    expect(badField(() => clusterKind.spec({ manager: 'SLURM', kubernetes: { context: 'c' } }, 'input.spec'))).toBe('input.spec.kubernetes');
    expect(badField(() => clusterKind.spec({ manager: 'KUBERNETES', local: {} }, 'input.spec'))).toBe('input.spec.local');
    expect(badField(() => clusterKind.spec({ manager: 'NOMAD' as never }, 'input.spec'))).toBe('input.spec.manager');
  });

  it('Job and Deployment differ in minimum replicas and restart policy', () => {
    expect(jobKind.spec({}, 's')).toMatchObject({ replicas: 1, restartPolicy: 'NEVER', image: '', run: '', envs: [] });
    expect(deploymentKind.spec({}, 's')).toMatchObject({ replicas: 1, restartPolicy: 'ALWAYS' });
    expect(deploymentKind.spec({ replicas: 0 }, 's').replicas).toBe(0);
    expect(badField(() => jobKind.spec({ replicas: 0 }, 'input.spec'))).toBe('input.spec.replicas');
    expect(badField(() => deploymentKind.spec({ replicas: -1 }, 'input.spec'))).toBe('input.spec.replicas');
    expect(badField(() => jobKind.spec({ waitTimeout: 0 }, 'input.spec'))).toBe('input.spec.waitTimeout');
    expect(jobKind.spec({ placement: { preferences: [{ selector: 'zone=a' }] } }, 's').placement).toEqual({
      preferences: [{ selector: 'zone=a', weight: 1 }],
      strategy: 'SPREAD',
    });
  });

  it('FilterPolicy: cluster names and label maps are checked', () => {
    expect(filterPolicyKind.spec({ clusterFilter: { include: ['a'], clusterSelector: 'gpu' } }, 's')).toEqual({
      clusterFilter: { include: ['a'], exclude: [], clusterSelector: 'gpu' },
      labelsSelector: {},
    });
    expect(badField(() => filterPolicyKind.spec({ clusterFilter: { exclude: ['ok', 'NO'] } }, 'input.spec'))).toBe('input.spec.clusterFilter.exclude[1]');
  });
});
