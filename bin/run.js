#!/usr/bin/env node
// The skym CLI: oclif loads the compiled commands from dist/cli/commands (npm run build).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
