import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigFileError, configPath, displayValue, maskSettings, parseSettings, readSettings, resolveSettings, writeSettings } from '../../../cli/config.js';

describe('resolveSettings: flag > environment > file > default', () => {
  const file = { api: 'http://file:1/graphql', namespace: 'from-file', token: 'file-token' };
  const env = { SKYM_API: 'http://env:2/graphql', SKYM_NAMESPACE: 'from-env', SKYM_TOKEN: 'env-token' };

  it('takes the flag first', () => {
    const settings = resolveSettings({ api: 'http://flag:3/graphql', namespace: 'from-flag' }, env, file);
    expect(settings).toEqual({
      api: { value: 'http://flag:3/graphql', source: 'flag' },
      namespace: { value: 'from-flag', source: 'flag' },
      token: { value: 'env-token', source: 'env' },
    });
  });

  it('then the environment', () => {
    expect(resolveSettings({}, env, file).api).toEqual({ value: 'http://env:2/graphql', source: 'env' });
    expect(resolveSettings({}, env, file).namespace).toEqual({ value: 'from-env', source: 'env' });
    expect(resolveSettings({}, env, file).token).toEqual({ value: 'env-token', source: 'env' });
  });

  it('then the file, for the token too', () => {
    expect(resolveSettings({}, {}, file).token).toEqual({ value: 'file-token', source: 'file' });
  });

  it('then the file (an empty variable counts as unset)', () => {
    expect(resolveSettings({}, { SKYM_API: '' }, file).api).toEqual({ value: 'http://file:1/graphql', source: 'file' });
  });

  it('then the defaults', () => {
    expect(resolveSettings({}, {}, {})).toEqual({
      api: { value: 'http://127.0.0.1:50051/graphql', source: 'default' },
      namespace: { value: 'default', source: 'default' },
      token: { value: '', source: 'default' },
    });
  });

  it('takes several API servers, separated by commas, from a flag, the variable or the file', () => {
    const list = 'http://a:50051,http://b:50051';
    expect(resolveSettings({ api: list }, {}, {}).api).toEqual({ value: list, source: 'flag' });
    expect(resolveSettings({}, { SKYM_API: list }, {}).api).toEqual({ value: list, source: 'env' });
    expect(parseSettings({ api: list }, 'config.yaml')).toEqual({ api: list });
    expect(() => parseSettings({ api: 'http://a:1,http://a:1' }, 'config.yaml')).toThrow('config.yaml: api: API server 2 of 2 in "http://a:1,http://a:1": http://a:1/graphql is given twice');
  });

  it('refuses a bad flag or variable, naming it', () => {
    expect(() => resolveSettings({ api: 'http://' }, {}, {})).toThrow(/^--api: api: "http:\/\/" is not a URL such as http:\/\/127\.0\.0\.1:50051/);
    expect(() => resolveSettings({ api: 'http://a:1,ftp://b' }, {}, {})).toThrow('--api: api: API server 2 of 2 in "http://a:1,ftp://b": "ftp://b" must be an http:// or https:// URL, not ftp:');
    expect(() => resolveSettings({}, { SKYM_API: 'http://a:1,,http://b:1' }, {})).toThrow('SKYM_API: api: API server 2 of 3 in "http://a:1,,http://b:1" is empty');
    expect(() => resolveSettings({}, { SKYM_API: 'ftp://x/graphql' }, {})).toThrow('SKYM_API: api: "ftp://x/graphql" must be an http:// or https:// URL, not ftp:');
    expect(() => resolveSettings({}, { SKYM_NAMESPACE: 'Team_A' }, {})).toThrow(/^SKYM_NAMESPACE: namespace: must be a namespace name/);
    expect(() => resolveSettings({}, { SKYM_TOKEN: 'a b' }, {})).toThrow('SKYM_TOKEN: token: must not contain whitespace');
  });
});

describe('masking the token', () => {
  it('shows a set token as ****, an unset one as (none), other settings as they are', () => {
    expect(displayValue('token', 'secret')).toBe('****');
    expect(displayValue('token', '')).toBe('(none)');
    expect(displayValue('api', 'http://x:1/graphql')).toBe('http://x:1/graphql');
    expect(maskSettings({ api: 'http://x:1/graphql', token: 'secret' })).toEqual({ api: 'http://x:1/graphql', token: '****' });
  });
});

describe('parseSettings', () => {
  it('refuses unknown keys, naming the known ones', () => {
    expect(() => parseSettings({ apl: 'x' }, 'config.yaml')).toThrow(new ConfigFileError('config.yaml: unknown setting "apl"; settings are api, namespace, token'));
  });
});

describe('the config file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skym-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is $SKYM_CONFIG when set, else ~/.skym/config.yaml', () => {
    expect(configPath({ SKYM_CONFIG: '/x/c.yaml' })).toBe('/x/c.yaml');
    expect(configPath({})).toMatch(/\.skym\/config\.yaml$/);
  });

  it('reads as no settings when missing', async () => {
    expect(await readSettings(join(dir, 'missing.yaml'))).toEqual({});
  });

  it('round-trips through write and read, as YAML, creating its directory', async () => {
    const path = join(dir, 'sub', 'config.yaml');
    await writeSettings(path, { api: 'http://sky:50051/graphql' });
    expect(await readFile(path, 'utf8')).toBe('api: http://sky:50051/graphql\n');
    expect(await readSettings(path)).toEqual({ api: 'http://sky:50051/graphql' });
  });

  it('names the file and the key when it is wrong', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'api: 42\n');
    await expect(readSettings(path)).rejects.toThrow(`${path}: api: Expected string, received number`);
    await writeFile(path, 'api: [unclosed\n');
    await expect(readSettings(path)).rejects.toThrow(`${path} is not valid YAML`);
  });

  it('is not written when a value is refused', async () => {
    const path = join(dir, 'refused.yaml');
    await expect(writeSettings(path, { namespace: 'Not A Namespace' })).rejects.toThrow(ConfigFileError);
    await expect(readFile(path, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
