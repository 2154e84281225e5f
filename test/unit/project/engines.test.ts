/**
 * Every installed package supports the Node.js that package.json declares, so `npm ci` on that
 * runtime installs without an engine warning (npm overrides pin the few that moved past it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/root.js';

const read = (file: string) => JSON.parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'));

describe('engines', () => {
  it('every locked package supports the oldest Node.js the project declares', () => {
    const declared: string = read('package.json').engines.node;
    const oldest = semver.minVersion(declared)!.version;
    const lock = read('package-lock.json') as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
    const unsupported = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !Array.isArray(entry.engines) && entry.engines?.node !== undefined)
      .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node))
      .map(([path, entry]) => `${path}@${entry.version} needs node ${(entry.engines as { node: string }).node}`);
    expect(unsupported, `declared node ${declared}`).toEqual([]);
  });

  it('the running Node.js is one the project declares', () => {
    expect(semver.satisfies(process.version, read('package.json').engines.node)).toBe(true);
  });
});
