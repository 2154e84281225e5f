/**
 * The static token file, in Kubernetes' `--token-auth-file` format, so operators who know
 * kube-apiserver's can reuse theirs:
 *
 *   # token,user,uid,"group1,group2"
 *   31ada4fd-adec-460c-809a-9e56ceb75269,alice,1001,"sky:editors,team-a"
 *   2a07a8b3-1c4b-4ab8-8b3c-6d2d1f1f6e2e,controllers,1002,sky:controllers
 *
 * Three columns at least (token, user name, uid; the uid may be empty), a fourth for groups,
 * quoted when it holds more than one because the groups are themselves comma-separated. `#`
 * comments and blank lines are skipped. Each line is split by csv-parse.
 *
 * Kubernetes only warns about an empty or duplicate token and takes any number of columns; here
 * every doubtful line stops the server with the file and line named: a token file is a security
 * boundary, and a typo that silently drops or reassigns a user is worse than not starting.
 */
import { readFile } from 'node:fs/promises';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { AuthenticatedUser } from '../../resolvers/context.js';

export type AuthUser = AuthenticatedUser;

/** Token → the user it authenticates. */
export type TokenTable = ReadonlyMap<string, AuthUser>;

export class TokenFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenFileError';
  }
}

/** csv-parse's error codes, said in the file's terms; the column is 1-based. */
const CSV_PROBLEMS: Record<string, (column: number) => string> = {
  CSV_QUOTE_NOT_CLOSED: () => 'a quoted field is not closed (a closing " is missing)',
  CSV_INVALID_CLOSING_QUOTE: (column) => `unexpected text after a closing quote in column ${column}`,
  INVALID_OPENING_QUOTE: (column) => `a " inside unquoted column ${column}; quote the whole column`,
};

/**
 * One line's fields, parsed by csv-parse (RFC 4180 quoting: `"a,b"`, `""` for a quote inside
 * quotes). Unquoted fields are trimmed, quoted ones kept as written. One line at a time, so a
 * quoted field never spans lines. Throws a plain message that never quotes the line (it may hold
 * a token); the caller adds where.
 */
export function splitCsvLine(line: string): string[] {
  try {
    const [record] = parse(line, { trim: true, relax_column_count: true }) as string[][];
    return record ?? [];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const column = typeof error.column === 'number' ? error.column + 1 : 0;
    throw new Error(CSV_PROBLEMS[error.code]?.(column) ?? `not a line of comma-separated values (${error.code})`);
  }
}

/** Parses the file's text; `path` only names the file in errors. */
export function parseTokenFile(text: string, path: string): TokenTable {
  const tokens = new Map<string, AuthUser>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const where = `${path}:${index + 1}`;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    let fields: string[];
    try {
      fields = splitCsvLine(line);
    } catch (error) {
      throw new TokenFileError(`token file ${where}: ${(error as Error).message}`);
    }
    if (fields.length < 3 || fields.length > 4) {
      throw new TokenFileError(`token file ${where}: expected token,user,uid[,"group1,group2"], found ${fields.length} column(s)`);
    }
    const [token, name, uid, groupList = ''] = fields;
    if (token === '') throw new TokenFileError(`token file ${where}: the token is empty`);
    // A token with whitespace could never arrive in an `Authorization: Bearer` header.
    if (/\s/.test(token)) throw new TokenFileError(`token file ${where}: the token contains whitespace`);
    if (name === '') throw new TokenFileError(`token file ${where}: the user name is empty`);
    const previous = tokens.get(token);
    if (previous) throw new TokenFileError(`token file ${where}: the same token as user "${previous.name}" on an earlier line`);
    const groups = groupList.split(',').map((group) => group.trim()).filter((group) => group !== '');
    tokens.set(token, Object.freeze({ name, uid, groups: Object.freeze(groups) }));
  }
  if (tokens.size === 0) throw new TokenFileError(`token file ${path} has no tokens: nobody could use the API`);
  return tokens;
}

/** Reads and parses the file at start-up. */
export async function loadTokenFile(path: string): Promise<TokenTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TokenFileError(`cannot read token file ${path}: ${(error as Error).message}`);
  }
  return parseTokenFile(text, path);
}
