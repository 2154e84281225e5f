/**
 * Writes oclif.manifest.json for the skym CLI (what `oclif manifest` does, without the oclif
 * dev tool and its dependencies). With the manifest oclif imports only the command that runs,
 * instead of every command at every start. The build regenerates it, so it never goes stale;
 * it is a build output and not committed.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Config, type Interfaces } from '@oclif/core';
import { PROJECT_ROOT } from '../test/helpers/root.js';

const manifestPath = join(PROJECT_ROOT, 'oclif.manifest.json');
// oclif reads an existing manifest instead of the commands: it must not see the last build's.
await rm(manifestPath, { force: true });
const config = await Config.load({ root: PROJECT_ROOT });
// The loaded root plugin has the manifest it built by importing every command; the public
// interface type leaves the property out.
const root = config.getPluginsList().find((plugin) => plugin.isRoot) as { manifest?: Interfaces.Manifest } | undefined;
if (!root?.manifest) throw new Error('the skym plugin did not load');
await writeFile(manifestPath, JSON.stringify(root.manifest, null, 2) + '\n');
console.log(`oclif.manifest.json: ${Object.keys(root.manifest.commands).length} commands`);
