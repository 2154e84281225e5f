/**
 * Arguments quoted for the remote shell reach the program unchanged: checked by handing the
 * quoted line to real shells (sh is dash on Debian, and bash), as the login node's would be.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { remoteCommandLine, shellQuote } from '../../../src/cluster-managers/ssh/quote.js';

/** What a shell's `printf '%s\0'` receives as arguments after splitting `line`. */
function argsAfterShell(shell: string, args: string[]): string[] {
  const out = execFileSync(shell, ['-c', remoteCommandLine('printf', ['%s\\0', ...args])], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const awkward = [
  '',
  ' ',
  'plain',
  'two words',
  "it's",
  "''",
  '"double"',
  '$HOME',
  '${PATH}',
  '`id`',
  '$(id)',
  'a;b&&c||d|e',
  '*',
  '~',
  '~root',
  '=x',
  'a=b',
  '--partition=debug',
  '-n',
  'line\nbreak',
  'tab\there',
  '\\backslash\\',
  '!history',
  '#comment',
  '<in >out',
  '(sub)',
  '{a,b}',
  '[ab]',
  'ünïcødé ✓',
  "'; rm -rf / #",
];

describe('shellQuote', () => {
  it('leaves plain words as they are', () => {
    expect(shellQuote('squeue')).toBe('squeue');
    expect(shellQuote('--json')).toBe('--json');
    expect(shellQuote('/var/spool/sky/x.exit')).toBe('/var/spool/sky/x.exit');
    expect(shellQuote('12_[3-5]')).toBe(`'12_[3-5]'`);
  });

  for (const shell of ['sh', 'bash']) {
    it(`passes every awkward argument through ${shell} unchanged`, () => {
      expect(argsAfterShell(shell, awkward)).toEqual(awkward);
    });
  }

  it('refuses a NUL byte, which no command line can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL byte/);
  });
});
