/**
 * The GraphQL spec types are the spec schemas of src/domain/spec, field for field: a field
 * declared there is in both the object and the input type, required or nullable as its default
 * says.
 */
import { getNullableType, isInputObjectType, isNonNullType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CLUSTER_SPEC } from '../../../src/domain/spec/cluster-spec.js';
import { FILTER_POLICY_SPEC } from '../../../src/domain/spec/filter-policy-spec.js';
import { WORKLOAD_SPECS } from '../../../src/domain/spec/workload-spec.js';
import { buildSchema } from '../../../src/schema/index.js';

const SPECS = [
  ['WorkloadSpec', WORKLOAD_SPECS.Job],
  ['FilterPolicySpec', FILTER_POLICY_SPEC],
  // Under the pipe that compares sections and manager first.
  ['ClusterSpec', CLUSTER_SPEC.out],
] as const;

describe.each(SPECS)('%s', (name, spec) => {
  const schema = buildSchema();
  const object = schema.getType(name);
  const input = schema.getType(`${name}Input`);
  const fields = Object.keys(spec.shape).sort();

  it('has every field of the spec schema, on the object and the input type', () => {
    if (!isObjectType(object) || !isInputObjectType(input)) throw new Error(`${name} types missing`);
    expect(Object.keys(object.getFields()).sort()).toEqual(fields);
    expect(Object.keys(input.getFields()).sort()).toEqual(fields);
  });

  it('answers every defaulted field, and requires none of them as input', () => {
    if (!isObjectType(object) || !isInputObjectType(input)) throw new Error(`${name} types missing`);
    for (const [field, schemaOf] of Object.entries(spec.shape)) {
      const defaulted = schemaOf.def.type === 'default' || schemaOf.def.type === 'prefault';
      if (defaulted) expect(isNonNullType(object.getFields()[field].type), `${name}.${field}`).toBe(true);
      if (defaulted) expect(input.getFields()[field].type, `${name}Input.${field}`).toBe(getNullableType(input.getFields()[field].type));
    }
  });
});
