/**
 * The bounds on one GraphQL request (its document, and how deeply its JSON body nests) and the
 * error each gives when it is exceeded. The maxima are
 * config keys (src/config/api-server.ts: `maxAliases` is `--max-aliases` and `SKYM_MAX_ALIASES`), so every
 * error names the setting that raises it:
 *
 *   Document has 10000 aliases; at most 30 are allowed (--max-aliases, SKYM_MAX_ALIASES).
 *
 * with `extensions: {code, limit: {name, max, actual}}`: BAD_REQUEST for the JSON body (checked
 * before it is parsed, ./use-json-depth-limit.ts), GRAPHQL_PARSE_FAILED for the two checked on the
 * document's text before it is parsed (characters, tokens), GRAPHQL_VALIDATION_FAILED for the
 * rest, measured on the parsed document before it is validated (./document-measure.ts). HTTP 400
 * in every case; `spec: false` keeps that status for `application/json` clients, to which Yoga
 * answers other validation errors with 200.
 */
import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import { envOf, flagOf } from '../config/names.js';
import { LIST_COST_FACTOR, type DocumentMeasure } from './document-measure.js';

export const DOCUMENT_LIMIT_NAMES = ['jsonDepth', 'queryLength', 'tokens', 'depth', 'aliases', 'fields', 'repeatedFields', 'directives', 'fragmentSpreads', 'cost'] as const;
export type DocumentLimitName = (typeof DOCUMENT_LIMIT_NAMES)[number];

/** `aliases` → `maxAliases`: the config key of each limit. */
export type DocumentLimitKey = `max${Capitalize<DocumentLimitName>}`;
/** Each limit's maximum; 0 turns it off. */
export type DocumentLimits = Readonly<Record<DocumentLimitKey, number>>;

const exceeds = (actual: number, max: number) => max > 0 && actual > max;

export const limitKey = (name: DocumentLimitName): DocumentLimitKey => `max${name[0].toUpperCase()}${name.slice(1)}` as DocumentLimitKey;

/** The CLI flag and the environment variable of a config key: `maxAliases` → `--max-aliases`, `SKYM_MAX_ALIASES`. */
export function settingOf(key: DocumentLimitKey): { flag: string; env: string } {
  return { flag: `--${flagOf(key)}`, env: envOf(key) };
}

const are = (max: number) => (max === 1 ? 'is' : 'are');

/** What the document has, said of each limit. */
const DESCRIBE: Record<DocumentLimitName, (actual: number, max: number) => string> = {
  jsonDepth: (actual, max) => `Request body nests JSON ${actual} levels deep; at most ${max} ${are(max)} allowed`,
  queryLength: (actual, max) => `Document has ${actual} characters; at most ${max} ${are(max)} allowed`,
  tokens: (actual, max) => `Document has ${actual} tokens; at most ${max} ${are(max)} allowed`,
  depth: (actual, max) => `Document nests fields ${actual} levels deep; at most ${max} ${are(max)} allowed`,
  aliases: (actual, max) => `Document has ${actual} aliases; at most ${max} ${are(max)} allowed`,
  fields: (actual, max) => `Document has ${actual} field selections (fragments expanded); at most ${max} ${are(max)} allowed`,
  repeatedFields: (actual, max) =>
    `Document selects a response name again in the same selection set ${actual} times (fragments expanded); at most ${max} ${are(max)} allowed`,
  directives: (actual, max) => `Document has ${actual} directives (fragments expanded); at most ${max} ${are(max)} allowed`,
  fragmentSpreads: (actual, max) => `Document has ${actual} fragment spreads (fragments expanded); at most ${max} ${are(max)} allowed`,
  cost: (actual, max) => `Document has a cost of ${actual} (1 a field, ${LIST_COST_FACTOR} times that inside each list); at most ${max} is allowed`,
};

const CODE: Partial<Record<DocumentLimitName, string>> = { jsonDepth: 'BAD_REQUEST', queryLength: 'GRAPHQL_PARSE_FAILED', tokens: 'GRAPHQL_PARSE_FAILED' };

/** HTTP 400 even for `application/json` clients (see the file's comment); fresh each time, as Yoga writes to it. */
export const badRequestHttp = () => ({ status: 400, spec: false });

export function limitError(name: DocumentLimitName, max: number, actual: number): GraphQLError {
  const key = limitKey(name);
  const { flag, env } = settingOf(key);
  return new GraphQLError(`${DESCRIBE[name](actual, max)} (${flag}, ${env}).`, {
    extensions: {
      code: CODE[name] ?? 'GRAPHQL_VALIDATION_FAILED',
      limit: { name, max, actual },
      http: badRequestHttp(),
    },
  });
}

/**
 * The lexical tokens of a document, as graphql-js's parser counts them (punctuation, names,
 * values; not comments). Counting stops at the first character the lexer refuses: the parser
 * then reports that syntax error itself.
 */
export function countTokens(text: string): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // A syntax error: what was counted so far stands.
  }
  return count;
}

/** The limit errors of a document's text (its length first: counting tokens reads all of it), or none. */
export function textLimitErrors(text: string, limits: DocumentLimits): GraphQLError[] {
  if (exceeds(text.length, limits.maxQueryLength)) return [limitError('queryLength', limits.maxQueryLength, text.length)];
  if (limits.maxTokens === 0) return [];
  const tokens = countTokens(text);
  return exceeds(tokens, limits.maxTokens) ? [limitError('tokens', limits.maxTokens, tokens)] : [];
}

/**
 * How deeply a JSON text nests objects and arrays, in one pass over its characters: JSON.parse
 * takes about ten times longer per byte on deep nesting than on flat data (a 25 MB body of `[`
 * held the event loop for 8.6 s), so the nesting is known before it is parsed. Text that is not
 * JSON is measured all the same; JSON.parse then refuses it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** The limits measured on the parsed document, in the order of DOCUMENT_LIMIT_NAMES. */
const MEASURED = DOCUMENT_LIMIT_NAMES.filter((name): name is keyof DocumentMeasure => CODE[name] === undefined);

/** One error per limit the measured document exceeds, or none. */
export function measureLimitErrors(measure: DocumentMeasure, limits: DocumentLimits): GraphQLError[] {
  return MEASURED.filter((name) => exceeds(measure[name], limits[limitKey(name)])).map((name) => limitError(name, limits[limitKey(name)], measure[name]));
}
