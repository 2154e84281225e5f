/**
 * Writes the client's operations and typed documents (scripts/codegen/generate.ts).
 * Run: npm run build && npm run codegen
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../test/helpers/root.js';
import { generate, OPERATIONS_FILE, TYPES_FILE } from './codegen/generate.js';

const { operations, types } = await generate(PROJECT_ROOT);
for (const [file, text] of [
  [OPERATIONS_FILE, operations],
  [TYPES_FILE, types],
] as const) {
  await mkdir(dirname(join(PROJECT_ROOT, file)), { recursive: true });
  await writeFile(join(PROJECT_ROOT, file), text);
  console.log(`Wrote ${file}`);
}
