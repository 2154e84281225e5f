import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carriesSkyletToken, newSkyletToken, readSkyletTokenFile, skyletAuthorization } from '../../../src/domain/skylet-token.js';

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

  it('matches only the header that carries exactly the token', () => {
    const token = newSkyletToken();
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(newSkyletToken()).not.toBe(token);
    expect(carriesSkyletToken(skyletAuthorization(token), token)).toBe(true);
    expect(carriesSkyletToken(`bearer ${token}`, token)).toBe(true);
    for (const header of [undefined, '', token, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, `Bearer ${token} extra`]) {
      expect(carriesSkyletToken(header, token)).toBe(false);
    }
  });
});
