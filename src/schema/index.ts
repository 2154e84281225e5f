/**
 * The schema: each resource file registers its types and root fields with the builder when
 * imported; buildSchema() turns them into a GraphQLSchema (once).
 */
import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './cluster.js';
import './deployment.js';
import './filter-policy.js';
import './job.js';
import './logs.js';
import './namespace.js';

let schema: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}
