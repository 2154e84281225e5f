import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../../src/domain/errors.js';
import {
  MAX_ANNOTATIONS_BYTES,
  MAX_CLUSTER_SPEC_STRING_BYTES,
  MAX_ENV_NAME_LENGTH,
  MAX_ENV_VALUE_BYTES,
  MAX_ENVS,
  MAX_IMAGE_LENGTH,
  MAX_NODE_RESOURCES,
  MAX_OBJECT_BYTES,
  MAX_POLICY_CLUSTER_NAMES,
  MAX_PREFERENCES,
  MAX_REPLICAS,
  MAX_RUN_BYTES,
  MAX_SELECTOR_LENGTH,
  MAX_WAIT_TIMEOUT_SECONDS,
} from '../../../src/domain/limits.js';
import { clusterKind } from '../../../src/resolvers/cluster.js';
import { filterPolicyKind } from '../../../src/resolvers/filter-policy.js';
import { ensureDefaultNamespace } from '../../../src/resolvers/namespace.js';
import {
  carryTransitionTimes,
  checkAnnotations,
  checkConditions,
  checkLabels,
  checkName,
  checkNumber,
  checkResources,
  checkResourceVersion,
  checkSelector,
} from '../../../src/resolvers/validation.js';
import { deploymentKind, jobKind, jobResolvers } from '../../../src/resolvers/workload.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';

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

/** The field and message of the BadUserInputError `fn` throws. */
function refusal(fn: () => unknown): { field: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof BadUserInputError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a BadUserInputError');
}

describe('maximums (src/domain/limits.ts)', () => {
  const job = (spec: Parameters<typeof jobKind.spec>[0]) => () => jobKind.spec(spec, 'input.spec');

  it('refuse a billion replicas, naming the field and the limit', () => {
    expect(refusal(job({ replicas: 1_000_000_000 }))).toEqual({
      field: 'input.spec.replicas',
      message: `input.spec.replicas: 1000000000 is more than the maximum ${MAX_REPLICAS}.`,
    });
    expect(jobKind.spec({ replicas: MAX_REPLICAS }, 's').replicas).toBe(MAX_REPLICAS);
    expect(refusal(() => deploymentKind.spec({ replicas: MAX_REPLICAS + 1 }, 'input.spec')).field).toBe('input.spec.replicas');
  });

  it.each([
    [{ cpu: 1e308 }, 'input.spec.resources.cpu', MAX_NODE_RESOURCES.cpu],
    [{ memory: 1e300 }, 'input.spec.resources.memory', MAX_NODE_RESOURCES.memory],
    [{ gpu: 100_000 }, 'input.spec.resources.gpu', MAX_NODE_RESOURCES.gpu],
  ])('refuse resources %j at %s', (resources, field, max) => {
    const { field: named, message } = refusal(job({ resources }));
    expect(named).toBe(field);
    expect(message).toContain(`more than the maximum ${max}.`);
  });

  it('accept requests up to the maximums', () => {
    expect(jobKind.spec({ resources: { ...MAX_NODE_RESOURCES, accelerator: 'nvidia-tesla-v100' } }, 's').resources).toEqual({
      ...MAX_NODE_RESOURCES,
      accelerator: 'nvidia-tesla-v100',
    });
  });

  it.each([
    ['a 5,000-character accelerator', { resources: { accelerator: 'A'.repeat(5000) } }, 'input.spec.resources.accelerator', 'maximum 63'],
    ['an accelerator with a space', { resources: { accelerator: 'A 100' } }, 'input.spec.resources.accelerator', 'starting and ending with a letter or digit'],
    ['a 10 MB run', { run: 'x'.repeat(10 * 1024 * 1024) }, 'input.spec.run', `${10 * 1024 * 1024} bytes long, more than the maximum ${MAX_RUN_BYTES}.`],
    ['a run of many-byte characters', { run: 'é'.repeat(MAX_RUN_BYTES / 2 + 1) }, 'input.spec.run', `${MAX_RUN_BYTES + 2} bytes long`],
    ['a NUL in run', { run: 'echo a\0b' }, 'input.spec.run', 'NUL'],
    ['a long image', { image: 'r/'.repeat(MAX_IMAGE_LENGTH) }, 'input.spec.image', `maximum ${MAX_IMAGE_LENGTH}.`],
    ['too many envs', { envs: Array.from({ length: MAX_ENVS + 1 }, (_, i) => ({ name: `E${i}`, value: '' })) }, 'input.spec.envs', `has ${MAX_ENVS + 1} entries, more than the maximum ${MAX_ENVS}.`],
    ['a long env name', { envs: [{ name: 'E'.repeat(MAX_ENV_NAME_LENGTH + 1), value: '' }] }, 'input.spec.envs[0].name', `maximum ${MAX_ENV_NAME_LENGTH}.`],
    ['a long env value', { envs: [{ name: 'A', value: '' }, { name: 'B', value: 'v'.repeat(MAX_ENV_VALUE_BYTES + 1) }] }, 'input.spec.envs[1].value', `maximum ${MAX_ENV_VALUE_BYTES}.`],
    ['a wait timeout past 7 days', { waitTimeout: MAX_WAIT_TIMEOUT_SECONDS + 1 }, 'input.spec.waitTimeout', `maximum ${MAX_WAIT_TIMEOUT_SECONDS}.`],
    ['a long clusterSelector', { placement: { clusterSelector: `a in (${'b,'.repeat(MAX_SELECTOR_LENGTH)}b)` } }, 'input.spec.placement.clusterSelector', `maximum ${MAX_SELECTOR_LENGTH}.`],
    ['too many preferences', { placement: { preferences: Array.from({ length: MAX_PREFERENCES + 1 }, () => ({ selector: 'a=b' })) } }, 'input.spec.placement.preferences', `maximum ${MAX_PREFERENCES}.`],
  ])('refuse %s', (_what, spec, field, inMessage) => {
    const { field: named, message } = refusal(job(spec));
    expect(named).toBe(field);
    expect(message).toContain(inMessage);
    // The message stays short whatever came in.
    expect(message.length).toBeLessThan(300);
  });

  it('Cluster: connection strings, local slots, wait timeout and reported figures are bounded', () => {
    const spec = (input: Parameters<typeof clusterKind.spec>[0]) => () => clusterKind.spec(input, 'input.spec');
    expect(refusal(spec({ manager: 'KUBERNETES', kubernetes: { context: 'c'.repeat(MAX_CLUSTER_SPEC_STRING_BYTES + 1) } })).field).toBe('input.spec.kubernetes.context');
    expect(refusal(spec({ manager: 'SLURM', slurm: { slurmConf: `/etc/${'s'.repeat(MAX_CLUSTER_SPEC_STRING_BYTES)}` } })).field).toBe('input.spec.slurm.slurmConf');
    expect(refusal(spec({ manager: 'LOCAL', local: { cpu: 1e308 } })).message).toContain(`maximum ${MAX_NODE_RESOURCES.cpu}.`);
    expect(refusal(spec({ manager: 'LOCAL', waitTimeout: 1e9 })).field).toBe('input.spec.waitTimeout');

    const status = (input: Partial<Parameters<typeof clusterKind.status>[0]>) => () => clusterKind.status({ phase: 'READY', ...input }, 'input.status');
    // A whole cluster may add up to more than any one node.
    expect(clusterKind.status({ phase: 'READY', capacity: { cpu: 600_000 } }, 's').capacity.cpu).toBe(600_000);
    expect(refusal(status({ capacity: { cpu: 1e308 } })).field).toBe('input.status.capacity.cpu');
    const node = (cpu: number) => ({ name: 'n', capacity: { cpu }, allocatable: { cpu }, ready: true });
    expect(refusal(status({ nodes: [node(1), node(1e12)] })).field).toBe('input.status.nodes[1].capacity.cpu');
    expect(refusal(status({ acceleratorTypes: ['A100', 'x'.repeat(64)] })).field).toBe('input.status.acceleratorTypes[1]');
  });

  it('FilterPolicy: cluster lists and selectors are bounded', () => {
    const names = Array.from({ length: MAX_POLICY_CLUSTER_NAMES + 1 }, (_, i) => `c${i}`);
    expect(refusal(() => filterPolicyKind.spec({ clusterFilter: { include: names } }, 'input.spec'))).toEqual({
      field: 'input.spec.clusterFilter.include',
      message: `input.spec.clusterFilter.include: has ${MAX_POLICY_CLUSTER_NAMES + 1} entries, more than the maximum ${MAX_POLICY_CLUSTER_NAMES}.`,
    });
    expect(refusal(() => filterPolicyKind.spec({ clusterFilter: { clusterSelector: 'a'.repeat(MAX_SELECTOR_LENGTH + 1) } }, 'input.spec')).field).toBe(
      'input.spec.clusterFilter.clusterSelector',
    );
    expect(refusal(() => filterPolicyKind.spec({ labelsSelector: { app: 'x'.repeat(64) } }, 'input.spec')).field).toBe('input.spec.labelsSelector');
  });
});

describe('labels and annotations, as Kubernetes bounds them', () => {
  const prefix = (length: number) => `${'a'.repeat(length - 4)}.com`;

  it.each([
    `${prefix(253)}/${'n'.repeat(63)}`,
    'sky.io/team',
    'app.kubernetes.io/name',
    'A_b.c-D',
  ])('accept key %s', (key) => {
    expect(Object.keys(checkLabels({ [key]: 'v' }, 'f'))).toEqual([key]);
  });

  it.each([
    [`${prefix(254)}/name`, 'prefix is 254 characters long, more than the maximum 253'],
    [`sky.io/${'n'.repeat(64)}`, "name after '/' is 64 characters long, more than the maximum 63"],
    ['n'.repeat(64), 'name is 64 characters long, more than the maximum 63'],
    ['Sky.io/team', 'DNS subdomain'],
    ['sky..io/team', 'DNS subdomain'],
    ['/team', 'DNS subdomain'],
    ['sky.io/', "name after '/' must be"],
    ['a/b/c', "name after '/' must be"],
  ])('refuse key %s: %s', (key, reason) => {
    const { field, message } = refusal(() => checkLabels({ [key]: 'v' }, 'input.metadata.labels'));
    expect(field).toBe('input.metadata.labels');
    expect(message).toContain(reason);
  });

  it('bound values to 63 characters of the same alphabet', () => {
    expect(checkLabels({ a: 'v'.repeat(63) }, 'f')).toEqual({ a: 'v'.repeat(63) });
    expect(refusal(() => checkLabels({ a: 'v'.repeat(64) }, 'f')).message).toContain('value is 64 characters long, more than the maximum 63');
  });

  it('bound all annotations of an object together to 256 KiB', () => {
    const half = 'v'.repeat(MAX_ANNOTATIONS_BYTES / 2 - 1);
    expect(Object.keys(checkAnnotations({ a: half, b: half }, 'f'))).toEqual(['a', 'b']);
    expect(refusal(() => checkAnnotations({ a: half, b: `${half}!` }, 'input.metadata.annotations'))).toEqual({
      field: 'input.metadata.annotations',
      message: `input.metadata.annotations: keys and values are ${MAX_ANNOTATIONS_BYTES + 1} bytes together, more than the maximum ${MAX_ANNOTATIONS_BYTES}.`,
    });
    expect(refusal(() => checkAnnotations({ 'bad key': 'v' }, 'f')).message).toContain('not a valid annotation key');
  });
});

describe('the whole object', () => {
  const context = async () => {
    const ctx = { store: new MemoryStore(), bookmarkIntervalMs: 1000, now: () => new Date('2030-01-01T00:00:00Z') };
    await ensureDefaultNamespace(ctx);
    return ctx;
  };
  // Each env is within its own bounds; together they are more than an object may be.
  const bigEnvs = Array.from({ length: 40 }, (_, i) => ({ name: `E${i}`, value: 'v'.repeat(MAX_ENV_VALUE_BYTES) }));

  it('is refused on create when its JSON is over 1 MiB, and nothing is stored', async () => {
    const ctx = await context();
    const error = await jobResolvers.create(ctx, { input: { metadata: { name: 'big' }, spec: { envs: bigEnvs } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).field).toBe('input');
    expect((error as BadUserInputError).message).toMatch(new RegExp(`more than the maximum ${MAX_OBJECT_BYTES}\\.$`));
    expect(await ctx.store.get({ kind: 'Job', namespace: 'default', name: 'big' })).toBeUndefined();
  });

  it('is refused on update and on status writes, leaving the stored object as it was', async () => {
    const ctx = await context();
    const job = await jobResolvers.create(ctx, { input: { metadata: { name: 'j' }, spec: { run: 'true' } } });
    const update = { metadata: { name: 'j', resourceVersion: job.metadata.resourceVersion }, spec: { envs: bigEnvs } };
    await expect(jobResolvers.update(ctx, { input: update })).rejects.toBeInstanceOf(BadUserInputError);
    const conditions = Array.from({ length: 20 }, (_, i) => ({ type: `T${i}`, status: 'True', message: 'm'.repeat(60_000) }));
    await expect(jobResolvers.updateStatus(ctx, { input: { metadata: { name: 'j' }, status: { phase: 'PENDING', conditions } } })).rejects.toBeInstanceOf(BadUserInputError);
    expect(await ctx.store.get({ kind: 'Job', namespace: 'default', name: 'j' })).toEqual(job);
  });
});

describe('messages stay short whatever came in', () => {
  it.each([
    ['a 1 MB name', () => checkName('a'.repeat(1_000_000), 'input.metadata.name')],
    ['a 1 MB resourceVersion', () => checkResourceVersion('x'.repeat(1_000_000), 'input.metadata.resourceVersion')],
    ['a 1 MB label value', () => checkLabels({ a: 'x'.repeat(1_000_000) }, 'input.metadata.labels')],
    ['a 1 MB condition status', () => checkConditions([{ type: 'Ready', status: 'x'.repeat(1_000_000) }], 'input.status.conditions')],
  ])('for %s', (_what, fn) => {
    expect(refusal(fn).message.length).toBeLessThan(300);
  });
});
