/**
 * Which key and which known_hosts the SSH connections use: files on the controller machine,
 * named by the environment of the process that runs the Skylets, never by a Cluster object (an
 * API user must not be able to point the controller at a key of its choosing, nor read one).
 *
 *   SKY_SSH_IDENTITY_FILE   the private key (default ~/.ssh/id_ed25519)
 *   SKY_SSH_KNOWN_HOSTS     the login nodes' host keys (default ~/.ssh/known_hosts)
 *   SKY_SSH_CONFIG          an ssh_config to read, for ProxyJump and the like (default none)
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface SshCredentials {
  identityFile: string;
  knownHostsFile: string;
  configFile?: string;
}

/** The files the environment names (or the defaults); a missing one is an error naming its variable. */
export function sshCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env, home = homedir()): SshCredentials {
  const file = (variable: string, fallback: string | undefined) => {
    const value = env[variable]?.trim() || fallback;
    if (value === undefined) return undefined;
    if (!existsSync(value)) {
      const named = env[variable]?.trim() ? `${variable}=${value}` : `${value} (the default; set ${variable} to another file)`;
      throw new Error(`${named} does not exist on the controller machine`);
    }
    return value;
  };
  return {
    identityFile: file('SKY_SSH_IDENTITY_FILE', join(home, '.ssh', 'id_ed25519'))!,
    knownHostsFile: file('SKY_SSH_KNOWN_HOSTS', join(home, '.ssh', 'known_hosts'))!,
    configFile: file('SKY_SSH_CONFIG', undefined),
  };
}
