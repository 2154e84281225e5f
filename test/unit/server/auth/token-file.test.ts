/**
 * The token file parser (Kubernetes --token-auth-file format): what it accepts, and that each
 * malformed line stops it with the file and the line named.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenFile, parseTokenFile, splitCsvLine, TokenFileError } from '../../../../src/server/auth/token-file.js';

const FILE = 'tokens.csv';

describe('parseTokenFile', () => {
  it('reads token, user, uid and quoted groups, skipping comments and blank lines', () => {
    const tokens = parseTokenFile(
      [
        '# token,user,uid,"group1,group2"',
        '',
        't-alice,alice,1001,"sky:editors,team-a"',
        '   # an indented comment',
        't-bob,bob,1002,sky:viewers',
        't-carol,carol,1003',
        't-dan, dan , , " sky:admins , ,x "',
        '\t',
      ].join('\n'),
      FILE,
    );
    expect([...tokens.keys()]).toEqual(['t-alice', 't-bob', 't-carol', 't-dan']);
    expect(tokens.get('t-alice')).toEqual({ name: 'alice', uid: '1001', groups: ['sky:editors', 'team-a'] });
    expect(tokens.get('t-bob')).toEqual({ name: 'bob', uid: '1002', groups: ['sky:viewers'] });
    expect(tokens.get('t-carol')).toEqual({ name: 'carol', uid: '1003', groups: [] });
    // Unquoted fields are trimmed, the uid may be empty, empty groups are dropped.
    expect(tokens.get('t-dan')).toEqual({ name: 'dan', uid: '', groups: ['sky:admins', 'x'] });
  });

  it('takes Windows line ends, a byte-order mark, quoted other columns and "" inside quotes', () => {
    const tokens = parseTokenFile('\uFEFF"t-1","Eve ""the admin""",7,sky:admins\r\nt-2,frank,8\r\n', FILE);
    expect(tokens.get('t-1')).toEqual({ name: 'Eve "the admin"', uid: '7', groups: ['sky:admins'] });
    expect(tokens.get('t-2')?.name).toBe('frank');
  });

  it.each([
    ['too few columns', 'ok,alice,1\nt-2,bob\n', `token file ${FILE}:2: expected token,user,uid[,"group1,group2"], found 2 column(s)`],
    ['too many columns (groups not quoted)', 't-1,alice,1,sky:editors,team-a', `token file ${FILE}:1: expected token,user,uid[,"group1,group2"], found 5 column(s)`],
    ['an unclosed quote', '# c\nt-1,alice,1,"sky:editors,team-a\n', `token file ${FILE}:2: a quoted field is not closed`],
    ['text after a closing quote', 't-1,alice,1,"sky:editors"x', `token file ${FILE}:1: unexpected text after a closing quote in column 4`],
    ['a quote inside an unquoted column', 't-1,ali"ce,1', `token file ${FILE}:1: a " inside unquoted column 2`],
    ['an empty token', '\n\n,alice,1', `token file ${FILE}:3: the token is empty`],
    ['a token with a space', '"t 1",alice,1', `token file ${FILE}:1: the token contains whitespace`],
    ['an empty user', 't-1,,1', `token file ${FILE}:1: the user name is empty`],
    ['a duplicate token', 't-1,alice,1\nt-2,bob,2\nt-1,carol,3', `token file ${FILE}:3: the same token as user "alice" on an earlier line`],
  ])('refuses %s, naming the line', (_what, text, message) => {
    expect(() => parseTokenFile(text, FILE)).toThrow(TokenFileError);
    expect(() => parseTokenFile(text, FILE)).toThrow(message);
  });

  it('refuses a file without tokens: nobody could use the API', () => {
    expect(() => parseTokenFile('# only a comment\n\n', FILE)).toThrow(`token file ${FILE} has no tokens`);
  });

  it('never puts a token in an error message', () => {
    expect(() => parseTokenFile('secret-token-123,alice,1,"x', FILE)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret-token-123') }));
  });
});

describe('splitCsvLine', () => {
  it('splits RFC 4180 style', () => {
    expect(splitCsvLine('a,"b,c",,"d""e"')).toEqual(['a', 'b,c', '', 'd"e']);
    expect(splitCsvLine('a,')).toEqual(['a', '']);
  });
});

describe('loadTokenFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skym-tokens-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reads the file, and names it when it cannot', async () => {
    const path = join(dir, 'tokens.csv');
    await writeFile(path, 't-1,alice,1,sky:viewers\n');
    expect((await loadTokenFile(path)).get('t-1')?.name).toBe('alice');
    await expect(loadTokenFile(join(dir, 'missing.csv'))).rejects.toThrow(`cannot read token file ${join(dir, 'missing.csv')}`);
    await writeFile(path, 't-1,alice\n');
    await expect(loadTokenFile(path)).rejects.toThrow(`token file ${path}:1:`);
  });
});
