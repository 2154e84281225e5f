import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshCredentialsFromEnv } from '../../../src/cluster-managers/ssh/credentials.js';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'sky-ssh-home-'));
  await mkdir(join(home, '.ssh'));
  await writeFile(join(home, '.ssh', 'id_ed25519'), 'key');
  await writeFile(join(home, '.ssh', 'known_hosts'), '');
  await writeFile(join(home, 'other_key'), 'key');
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('sshCredentialsFromEnv', () => {
  it('defaults to the key and known_hosts in ~/.ssh', () => {
    expect(sshCredentialsFromEnv({}, home)).toEqual({ identityFile: join(home, '.ssh', 'id_ed25519'), knownHostsFile: join(home, '.ssh', 'known_hosts'), configFile: undefined });
  });

  it('takes the files the environment names', () => {
    const env = { SKY_SSH_IDENTITY_FILE: join(home, 'other_key'), SKY_SSH_CONFIG: join(home, '.ssh', 'known_hosts') };
    expect(sshCredentialsFromEnv(env, home)).toMatchObject({ identityFile: join(home, 'other_key'), configFile: join(home, '.ssh', 'known_hosts') });
  });

  it('names the variable of a file that is not there', () => {
    expect(() => sshCredentialsFromEnv({ SKY_SSH_KNOWN_HOSTS: join(home, 'nope') }, home)).toThrow(`SKY_SSH_KNOWN_HOSTS=${join(home, 'nope')} does not exist on the controller machine`);
    expect(() => sshCredentialsFromEnv({}, join(home, 'elsewhere'))).toThrow(/id_ed25519 \(the default; set SKY_SSH_IDENTITY_FILE to another file\) does not exist/);
  });
});
