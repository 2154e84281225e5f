#!/usr/bin/env -S node --max-semi-space-size=64
// The skym CLI: oclif loads the compiled commands from dist/cli/commands (npm run build).
//
// --max-semi-space-size: V8's young generation may grow to 64 MiB per semi-space instead of
// 16 MiB. The API server allocates short-lived objects for every request and watch event; with
// the default, scavenges ran so often (and promoted so much) that at 1,000 subscribers the server
// spent about 15% more CPU per event (bench/README.md). It is a ceiling, so short CLI commands
// do not grow to it. It takes effect only when this file is run as a program (`skym`, `npx skym`,
// `./bin/run.js`), not as `node bin/run.js`.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
