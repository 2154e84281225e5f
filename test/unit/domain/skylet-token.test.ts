import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carriesSkyletCredential, endpointCredential, newSkyletToken, readSkyletTokenFile, skyletAuthorization } from '../../../src/domain/skylet-token.js';

describe('Skylet token', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'skylet-token-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the one token of a file, trimmed', async () => {
    const file = join(dir, 'ok');
    await writeFile(file, '  9f2bXr0lq1Zm0Yt3Kp7wQe8Ua4Sd6Fg\n');
    expect(await readSkyletTokenFile(file)).toBe('9f2bXr0lq1Zm0Yt3Kp7wQe8Ua4Sd6Fg');
  });

  it('refuses a missing file, a short token and a file of several words, naming the file', async () => {
    const missing = join(dir, 'missing');
    await expect(readSkyletTokenFile(missing)).rejects.toThrow(`cannot read the Skylet token file ${missing}: ENOENT`);
    for (const [name, text] of [['short', 'abc\n'], ['words', 'one-token-here two-tokens-here\n'], ['empty', '\n']]) {
      const file = join(dir, name);
      await writeFile(file, text);
      await expect(readSkyletTokenFile(file)).rejects.toThrow(`the Skylet token file ${file} must hold one token of at least 16 characters`);
    }
  });

  it('matches only the header that carries exactly the credential of the endpoint', () => {
    const token = newSkyletToken();
    const endpoint = 'http://127.0.0.1:7070/clusters/local';
    const credential = endpointCredential(token, endpoint);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(newSkyletToken()).not.toBe(token);
    expect(carriesSkyletCredential(skyletAuthorization(token, endpoint), token, endpoint)).toBe(true);
    expect(carriesSkyletCredential(`bearer ${credential}`, token, endpoint)).toBe(true);
    // The token itself is never a credential: it does not travel.
    for (const header of [undefined, '', credential, `Bearer ${token}`, `Bearer ${credential}x`, `Bearer ${credential.slice(1)}`, `Basic ${credential}`, `Bearer ${credential} extra`]) {
      expect(carriesSkyletCredential(header, token, endpoint)).toBe(false);
    }
  });

  it('gives every endpoint its own credential, so one collected elsewhere is worthless', () => {
    const token = newSkyletToken();
    const real = 'http://127.0.0.1:7070/clusters/local';
    for (const other of ['http://attacker.example:7070/clusters/local', 'http://127.0.0.1:7071/clusters/local', 'http://127.0.0.1:7070/clusters/other', 'https://127.0.0.1:7070/clusters/local']) {
      expect(carriesSkyletCredential(skyletAuthorization(token, other), token, real)).toBe(false);
    }
    expect(carriesSkyletCredential(skyletAuthorization(newSkyletToken(), real), token, real)).toBe(false);
    // One spelling per endpoint: a trailing slash signs the same bytes.
    expect(endpointCredential(token, `${real}/`)).toBe(endpointCredential(token, real));
  });
});
