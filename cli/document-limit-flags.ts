/**
 * The flags of `skym server` and `skym up` that bound one GraphQL request (src/config.ts,
 * src/server/use-document-limits.ts, use-json-depth-limit.ts), and the config values they give; a flag not given falls
 * through to its SKYM_* variable, then the default. Each flag is its config key in kebab case
 * (`--max-aliases` is `maxAliases` and SKYM_MAX_ALIASES), as the server's errors name it.
 */
import { Flags } from '@oclif/core';
import { DOCUMENT_LIMIT_DEFAULTS, type ConfigInput } from '../src/config.js';
import { settingOf } from '../src/server/document-limits.js';

type LimitKey = keyof typeof DOCUMENT_LIMIT_DEFAULTS;

const limitFlag = (key: LimitKey, what: string) =>
  Flags.integer({
    min: 0,
    helpValue: 'N',
    helpGroup: 'REQUEST LIMITS',
    description: `${what} (0 for no limit). Default: $${settingOf(key).env}, else ${DOCUMENT_LIMIT_DEFAULTS[key]}.`,
  });

export const documentLimitFlags = {
  'max-json-depth': limitFlag('maxJsonDepth', 'Levels of objects and arrays nested in a JSON request body'),
  'max-query-length': limitFlag('maxQueryLength', 'Characters in one GraphQL document (the request\'s "query")'),
  'max-tokens': limitFlag('maxTokens', 'Lexical tokens (names, punctuation, values) in one GraphQL document'),
  'max-depth': limitFlag('maxDepth', 'Levels of fields nested in fields in a GraphQL document'),
  'max-aliases': limitFlag('maxAliases', 'Aliases in a GraphQL document'),
  'max-fields': limitFlag('maxFields', 'Field selections in a GraphQL document, fragments expanded'),
  'max-repeated-fields': limitFlag('maxRepeatedFields', 'Selections of a response name that the same selection set already selects ("name name", "a: name a: uid")'),
  'max-directives': limitFlag('maxDirectives', 'Directives in a GraphQL document, fragments expanded'),
  'max-fragment-spreads': limitFlag('maxFragmentSpreads', 'Fragment spreads in a GraphQL document, fragments expanded'),
  'max-cost': limitFlag('maxCost', 'Cost of a GraphQL document: each field 1, times 10 inside each list'),
};

type Parsed = { [K in keyof typeof documentLimitFlags]?: number };

export function documentLimitConfig(flags: Parsed): Partial<ConfigInput> {
  return {
    maxJsonDepth: flags['max-json-depth'],
    maxQueryLength: flags['max-query-length'],
    maxTokens: flags['max-tokens'],
    maxDepth: flags['max-depth'],
    maxAliases: flags['max-aliases'],
    maxFields: flags['max-fields'],
    maxRepeatedFields: flags['max-repeated-fields'],
    maxDirectives: flags['max-directives'],
    maxFragmentSpreads: flags['max-fragment-spreads'],
    maxCost: flags['max-cost'],
  };
}
