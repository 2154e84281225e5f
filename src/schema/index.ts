/**
 * The schema: each resource file registers its types and root fields with the builder when
 * imported; buildSchema() turns them into a GraphQLSchema (once).
 */
import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './auth.js';
import './cluster.js';
import './filter-policy.js';
import './lease.js';
import './logs.js';
import './namespace.js';
import './priority-class.js';
import './queue.js';
import './rbac.js';
import './workload-kind.js';

let schema: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}

/**
 * The same schema with its fields in the order the code declares them (buildSchema's are
 * sorted): the client's generated selections follow it, so objects read back keep that order.
 */
export function schemaInDeclaredOrder(): GraphQLSchema {
  buildSchema();
  return builder.toSchema({ sortSchema: false });
}
