/**
 * A workload spec field is declared once (src/domain/spec/workload-spec.ts) and reaches every
 * place it must from there: the GraphQL object and input types, the client's documents, and a
 * `skym create job|deployment` flag. Adding a field is the spec entry, its CLI flag entry
 * (cli/workload-spec-flags.ts) and tests; this test names whatever else was left behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInputObjectType, isObjectType, parse, Kind as AstKind, type FragmentDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { specFromFlags, WORKLOAD_SPEC_FIELDS, WORKLOAD_SPEC_FLAGS } from '../../../cli/workload-spec-flags.js';
import { OPERATIONS_FILE } from '../../../scripts/codegen/generate.js';
import { WORKLOAD_SPECS } from '../../../src/domain/spec/workload-spec.js';
import { buildSchema } from '../../../src/schema/index.js';
import { PROJECT_ROOT } from '../../helpers/root.js';

/** Spec fields set only by manifests (`skym apply`), with no flag of their own. */
const NOT_FLAGS: string[] = [];

const specFields = Object.keys(WORKLOAD_SPECS.Job.shape);

describe('every workload spec field', () => {
  it('is the same for Job and Deployment', () => {
    expect(Object.keys(WORKLOAD_SPECS.Deployment.shape)).toEqual(specFields);
  });

  it('is in the GraphQL object and input types', () => {
    const schema = buildSchema();
    const object = schema.getType('WorkloadSpec');
    const input = schema.getType('WorkloadSpecInput');
    if (!isObjectType(object) || !isInputObjectType(input)) throw new Error('WorkloadSpec types missing');
    expect(Object.keys(object.getFields()).sort()).toEqual([...specFields].sort());
    expect(Object.keys(input.getFields()).sort()).toEqual([...specFields].sort());
  });

  it("is selected by the client's documents", () => {
    const document = parse(readFileSync(join(PROJECT_ROOT, OPERATIONS_FILE), 'utf8'));
    const fragment = document.definitions.find(
      (d): d is FragmentDefinitionNode => d.kind === AstKind.FRAGMENT_DEFINITION && d.name.value === 'WorkloadSpecFields',
    );
    const selected = fragment?.selectionSet.selections.map((s) => (s.kind === AstKind.FIELD ? s.name.value : '')) ?? [];
    expect(selected.sort()).toEqual([...specFields].sort());
  });

  it.each(specFields)('%s has a CLI flag (or is listed as having none)', (field) => {
    const entry = WORKLOAD_SPEC_FIELDS[field as keyof typeof WORKLOAD_SPEC_FIELDS];
    expect(entry, `cli/workload-spec-flags.ts has no entry for ${field}`).toBeDefined();
    if (NOT_FLAGS.includes(field)) expect(entry.flags).toEqual([]);
    else expect(entry.flags.length, `${field} has no flag`).toBeGreaterThan(0);
    for (const flag of entry.flags) expect(Object.keys(WORKLOAD_SPEC_FLAGS)).toContain(flag);
  });
});

describe('the CLI spec flags', () => {
  it('each set a spec field', () => {
    expect(Object.keys(WORKLOAD_SPEC_FIELDS).sort()).toEqual([...specFields].sort());
    const used = Object.values(WORKLOAD_SPEC_FIELDS).flatMap((entry) => entry.flags);
    expect([...used].sort()).toEqual(Object.keys(WORKLOAD_SPEC_FLAGS).sort());
  });

  it('make the spec a command line asks for', () => {
    const spec = specFromFlags({
      run: 'echo hi',
      image: 'busybox',
      replicas: 3,
      env: [{ key: 'A', value: '1' }],
      resources: ['cpu', '2', 'memory=1Gi'],
      strategy: 'pack',
      'restart-policy': 'on-failure',
      'cluster-selector': 'env=prod',
      'wait-timeout': 60,
    });
    expect(spec).toEqual({
      image: 'busybox',
      run: 'echo hi',
      envs: [{ name: 'A', value: '1' }],
      resources: { cpu: 2, memory: 1024 },
      replicas: 3,
      restartPolicy: 'ON_FAILURE',
      placement: { clusterSelector: 'env=prod', strategy: 'PACK' },
      waitTimeout: 60,
    });
    expect(specFromFlags({ run: 'x' })).toEqual({ run: 'x', envs: [] });
  });
});
