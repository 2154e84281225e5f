/**
 * The JWT of the REST path, read on the controller machine: what a token file may hold, who the
 * token is for, when it has expired, and that a renewed file is read again.
 */
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTokenFile, restHostProblem, SlurmRestToken, slurmRestTokenFromEnv } from '../../../src/cluster-managers/slurm/rest-token.js';

/** A token of Slurm's shape (HS256 header, claims, a signature nobody checks here). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('parseTokenFile', () => {
  it('takes the token alone or the SLURM_JWT= line scontrol prints, and the user from its sun claim', () => {
    const token = jwt({ sun: 'alice', exp: 2_000_000_000 });
    expect(parseTokenFile(`${token}\n`, 'f')).toEqual({ token, user: 'alice', expires: 2_000_000_000 });
    expect(parseTokenFile(`SLURM_JWT=${token}\n`, 'f')).toEqual({ token, user: 'alice', expires: 2_000_000_000 });
  });

  it('lets SKY_SLURM_USER name the user, for tokens that do not (or not readably)', () => {
    expect(parseTokenFile(jwt({}), 'f', 'svc-sky').user).toBe('svc-sky');
    expect(parseTokenFile('aaa.not-json.ccc', 'f', 'svc-sky')).toEqual({ token: 'aaa.not-json.ccc', user: 'svc-sky' });
  });

  it('refuses what is not a JWT, and a token naming no user, saying what to do', () => {
    expect(() => parseTokenFile('', '/etc/sky/a.jwt')).toThrow('/etc/sky/a.jwt does not hold a JWT');
    expect(() => parseTokenFile('only.two', '/etc/sky/a.jwt')).toThrow('does not hold a JWT');
    expect(() => parseTokenFile('a.b.c d.e.f', '/etc/sky/a.jwt')).toThrow('does not hold a JWT');
    expect(() => parseTokenFile(jwt({ exp: 1 }), '/etc/sky/a.jwt')).toThrow('/etc/sky/a.jwt: the JWT names no user (no "sun" claim); set SKY_SLURM_USER');
    expect(() => parseTokenFile('aaa.not-json.ccc', '/etc/sky/a.jwt')).toThrow("the JWT's payload is not JSON; set SKY_SLURM_USER");
  });
});

describe('SlurmRestToken', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sky-rest-token-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file again when it changes, as a renewing cron job rewrites it', async () => {
    const file = path.join(dir, 'hpc.jwt');
    const first = jwt({ sun: 'alice', exp: inAnHour() });
    await writeFile(file, first);
    const token = new SlurmRestToken({ file });
    expect((await token.credentials()).token).toBe(first);
    const second = jwt({ sun: 'alice', exp: inAnHour() + 1, iat: 2 });
    await writeFile(file, second);
    // The same second as the first write on a coarse clock: the size or a new mtime tells.
    await utimes(file, new Date(), new Date(Date.now() + 5_000));
    expect((await token.credentials()).token).toBe(second);
  });

  it('says when the token has expired, and when the file cannot be read', async () => {
    const file = path.join(dir, 'old.jwt');
    await writeFile(file, jwt({ sun: 'alice', exp: 1_700_000_000 }));
    await expect(new SlurmRestToken({ file }).credentials()).rejects.toThrow(`the token in ${file} expired at 2023-11-14T22:13:20.000Z; renew it`);
    await expect(new SlurmRestToken({ file: path.join(dir, 'missing.jwt') }).credentials()).rejects.toThrow(
      `cannot read the slurmrestd token ${path.join(dir, 'missing.jwt')} (SKY_SLURM_JWT_FILE): ENOENT`,
    );
  });
});

describe('slurmRestTokenFromEnv', () => {
  it('puts the cluster name for {cluster}, takes SKY_SLURM_USER, and is undefined without SKY_SLURM_JWT_FILE', () => {
    expect(slurmRestTokenFromEnv('hpc-a', { SKY_SLURM_JWT_FILE: '/etc/sky/{cluster}.jwt' })?.file).toBe('/etc/sky/hpc-a.jwt');
    expect(slurmRestTokenFromEnv('hpc-a', { SKY_SLURM_JWT_FILE: '/etc/sky/one.jwt' })?.file).toBe('/etc/sky/one.jwt');
    expect(slurmRestTokenFromEnv('hpc-a', { SKY_SLURM_JWT_FILE: ' ' })).toBeUndefined();
    expect(slurmRestTokenFromEnv('hpc-a', {})).toBeUndefined();
  });
});

describe('restHostProblem (SKY_SLURM_REST_HOSTS)', () => {
  it('lets any host be when unset, and only the listed hosts (any port) or host:port when set', () => {
    expect(restHostProblem('http://anywhere:6820', {})).toBeUndefined();
    const env = { SKY_SLURM_REST_HOSTS: 'slurm-a.example.edu, Slurm-B:6820' };
    expect(restHostProblem('https://slurm-a.example.edu:8443', env)).toBeUndefined();
    expect(restHostProblem('http://slurm-b:6820/', env)).toBeUndefined();
    expect(restHostProblem('http://slurm-b:6821', env)).toBe(
      'spec.slurm.restUrl: slurm-b:6821 is not among SKY_SLURM_REST_HOSTS (slurm-a.example.edu, slurm-b:6820) on the controller machine; its token is not sent there',
    );
    expect(restHostProblem('http://evil.example.com', env)).toMatch(/^spec\.slurm\.restUrl: evil\.example\.com is not among/);
    // The default port counts as said: http → 80, https → 443.
    expect(restHostProblem('https://slurm-c', { SKY_SLURM_REST_HOSTS: 'slurm-c:443' })).toBeUndefined();
  });
});
