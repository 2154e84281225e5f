/**
 * StringMap: a JSON object of string values (labels, annotations, a FilterPolicy's
 * labelsSelector). Label-key rules are checked by the resolvers, which know the field path;
 * here only the shape. Errors are GraphQLErrors so that Yoga reports them instead of masking.
 */
import { GraphQLError, Kind, type ValueNode } from 'graphql';
import type { StringMap } from '../domain/types.js';
import { builder } from './builder.js';

function toStringMap(value: unknown): StringMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraphQLError('StringMap must be an object of string values');
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new GraphQLError(`StringMap value of "${key}" must be a string`);
  }
  return { ...(value as StringMap) };
}

function fromLiteral(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, fromLiteral(f.value, variables)]));
    case Kind.STRING:
      return node.value;
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    default:
      throw new GraphQLError('StringMap must be an object of string values', { nodes: node });
  }
}

export const StringMapScalar = builder.scalarType('StringMap', {
  description: 'A JSON object of string values: labels, annotations, label maps.',
  serialize: (value) => value,
  parseValue: toStringMap,
  parseLiteral: (node, variables) => toStringMap(fromLiteral(node, variables)),
});
