/**
 * The Pothos schema builder: configuration only. Types and root fields live beside their
 * resource (cluster.ts, job.ts, ...); index.ts imports them all and builds the schema.
 */
import SchemaBuilder from '@pothos/core';
import type { StringMap } from '../domain/types.js';
import type { ResolverContext } from '../resolvers/context.js';

/** The GraphQL context: what resolvers need, put there by the server (src/server/app.ts). */
export type SchemaContext = ResolverContext;

export interface SchemaTypes {
  Context: SchemaContext;
  Scalars: { StringMap: { Input: StringMap; Output: StringMap } };
  // Output fields are non-null unless they say otherwise, as the contract reads.
  DefaultFieldNullability: false;
}

/** The builder's full type map, for helpers that take refs (resource-fields.ts). */
export type BuilderTypes = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>;

export const builder = new SchemaBuilder<SchemaTypes>({ defaultFieldNullability: false });

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
