/**
 * Writes schema.graphql (the committed, diff-checked SDL) from the Pothos schema.
 * Run: npm run build && npm run schema:print
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaSdl } from '../src/schema/sdl.js';

// dist/scripts/print-schema.js → <repo>/schema.graphql
const target = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
writeFileSync(target, schemaSdl());
console.log(`Wrote ${target}`);
