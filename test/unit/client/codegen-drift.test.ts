/**
 * The client's generated documents (src/client/operations.graphql and generated/graphql.ts) are
 * what `npm run codegen` makes from the committed schema.graphql, as schema-drift.test.ts checks
 * the schema itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, OPERATIONS_FILE, TYPES_FILE } from '../../../scripts/codegen/generate.js';
import { PROJECT_ROOT } from '../../helpers/root.js';

describe('the generated client documents', () => {
  it('are up to date with schema.graphql', async () => {
    const generated = await generate(PROJECT_ROOT);
    const stale = 'out of date: run `npm run build && npm run schema:print && npm run codegen` and commit it';
    expect(generated.operations, `${OPERATIONS_FILE} is ${stale}`).toBe(readFileSync(join(PROJECT_ROOT, OPERATIONS_FILE), 'utf8'));
    expect(generated.types, `${TYPES_FILE} is ${stale}`).toBe(readFileSync(join(PROJECT_ROOT, TYPES_FILE), 'utf8'));
  });
});
