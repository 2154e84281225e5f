/**
 * The schema as committed in schema.graphql: printed from the code, sorted so that moving a
 * field between files never shows up as a diff.
 */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from './index.js';

export function schemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
}
