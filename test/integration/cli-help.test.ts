/** `skym --help` and every command's help: complete, with descriptions and examples. */
import { describe, expect, it } from 'vitest';
import { runSkym } from '../helpers/cli.js';

const COMMANDS = [
  'get',
  'describe',
  'delete',
  'apply',
  'create cluster',
  'create job',
  'create deployment',
  'create namespace',
  'create filterpolicy',
  'config view',
  'config set',
  'config unset',
];

describe('help', () => {
  it('skym --help lists every command and topic with a description', async () => {
    const { stdout, code } = await runSkym(['--help']);
    expect(code).toBe(0);
    for (const command of ['apply', 'delete', 'describe', 'get', 'autocomplete']) expect(stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
    for (const topic of ['config', 'create']) expect(stdout).toMatch(new RegExp(`^ {2}${topic} +\\S`, 'm'));
  });

  it.each(COMMANDS)('skym %s --help has a description, the global flags and examples', async (command) => {
    const { stdout, code } = await runSkym([...command.split(' '), '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('DESCRIPTION');
    expect(stdout).toContain('EXAMPLES');
    expect(stdout).toContain(`$ skym ${command}`);
    expect(stdout).toContain('--log-level');
  });

  it('the create topic lists its kinds', async () => {
    const { stdout } = await runSkym(['create', '--help']);
    for (const kind of ['cluster', 'job', 'deployment', 'namespace', 'filterpolicy']) expect(stdout).toMatch(new RegExp(`create ${kind} +\\S`));
  });
});
