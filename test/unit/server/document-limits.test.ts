/**
 * The document limits: their errors (message naming limit, value and setting; code; extensions.limit),
 * 0 turning a limit off, the settings named in errors being the real config keys, SKYM_* variables
 * and CLI flags, and the defaults passing every document our own clients send.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { configValues, documentLimitFlags } from '../../../cli/process-flags.js';
import { DOCUMENTS, LOG_DOCUMENTS } from '../../../src/client/documents.js';
import { loadApiServerConfig } from '../../../src/config/api-server.js';
import { DOCUMENT_LIMIT_DEFAULTS } from '../../../src/config/defaults.js';
import {
  countTokens,
  DOCUMENT_LIMIT_NAMES,
  jsonDepth,
  limitError,
  limitKey,
  measureLimitErrors,
  settingOf,
  textLimitErrors,
  type DocumentLimits,
} from '../../../src/server/document-limits.js';
import { measureDocument } from '../../../src/server/document-measure.js';
import { PROJECT_ROOT } from '../../helpers/root.js';

const schema = buildSchema(readFileSync(join(PROJECT_ROOT, 'schema.graphql'), 'utf8'));
const defaults: DocumentLimits = DOCUMENT_LIMIT_DEFAULTS;
const errorsOf = (query: string, limits: DocumentLimits = defaults) => {
  const text = textLimitErrors(query, limits);
  return text.length > 0 ? text : measureLimitErrors(measureDocument(schema, parse(query)), limits);
};

describe('limit errors', () => {
  it('name the limit, the measured value and the setting that raises it', () => {
    const error = limitError('aliases', 30, 10_000);
    expect(error.message).toBe('Document has 10000 aliases; at most 30 are allowed (--max-aliases, SKYM_MAX_ALIASES).');
    expect(error.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit: { name: 'aliases', max: 30, actual: 10_000 }, http: { status: 400, spec: false } });
    expect(limitError('tokens', 2_000, 9_011).extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(limitError('queryLength', 10, 11).message).toBe('Document has 11 characters; at most 10 are allowed (--max-query-length, SKYM_MAX_QUERY_LENGTH).');
  });

  it('count tokens as the parser does, and stop at a syntax error', () => {
    expect(countTokens('{ jobs(namespace: "a b") { kind } } # a comment')).toBe(11);
    expect(countTokens('{ a } ~ b c')).toBe(3);
  });

  it('measure how deeply JSON nests, brackets inside strings not counted', () => {
    expect(jsonDepth('{"query": "{ a { b } }", "variables": {"x": [[1], {"y": "]]]\\"[[["}]}}')).toBe(4);
    expect(jsonDepth('5')).toBe(0);
    expect(jsonDepth('['.repeat(100_000))).toBe(100_000);
    expect(limitError('jsonDepth', 64, 100_000)).toMatchObject({
      message: 'Request body nests JSON 100000 levels deep; at most 64 are allowed (--max-json-depth, SKYM_MAX_JSON_DEPTH).',
      extensions: { code: 'BAD_REQUEST', limit: { name: 'jsonDepth', max: 64, actual: 100_000 } },
    });
  });

  it('refuse on the text before parsing: length first, then tokens', () => {
    const tight = { ...defaults, maxQueryLength: 20, maxTokens: 3 };
    expect(errorsOf('{ jobs { kind } }'.padEnd(38), tight).map((e) => e.extensions.limit)).toEqual([{ name: 'queryLength', max: 20, actual: 38 }]);
    expect(errorsOf('{ jobs { kind } }', tight).map((e) => e.extensions.limit)).toEqual([{ name: 'tokens', max: 3, actual: 6 }]);
  });

  it('give one error per exceeded limit, in a fixed order', () => {
    const query = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: jobs { items { metadata { name } } }`).join(' ')} }`;
    const names = errorsOf(query, { ...defaults, maxFields: 100 }).map((e) => (e.extensions.limit as { name: string }).name);
    expect(names).toEqual(['aliases', 'fields']);
  });

  it('take 0 as no limit', () => {
    const off = Object.fromEntries(Object.keys(defaults).map((key) => [key, 0])) as unknown as DocumentLimits;
    expect(errorsOf(`{ ${'jobs { kind } '.repeat(3_000)} }`, off)).toEqual([]);
  });
});

describe('the settings errors name', () => {
  it('are config keys read from SKYM_* variables', () => {
    for (const name of DOCUMENT_LIMIT_NAMES) {
      const key = limitKey(name);
      expect(DOCUMENT_LIMIT_DEFAULTS).toHaveProperty(key);
      expect(loadApiServerConfig({}, { [settingOf(key).env]: '7' })[key]).toBe(7);
    }
  });

  it('are flags of skym server and skym up, each giving its config key', () => {
    for (const name of DOCUMENT_LIMIT_NAMES) {
      const key = limitKey(name);
      const flag = settingOf(key).flag.slice(2);
      expect(documentLimitFlags).toHaveProperty(flag);
      expect(configValues({ [flag]: 5 }, [key])[key]).toBe(5);
    }
    expect(Object.keys(documentLimitFlags)).toHaveLength(DOCUMENT_LIMIT_NAMES.length);
  });
});

describe('the defaults', () => {
  const ours = [
    ...Object.entries(DOCUMENTS).flatMap(([kind, documents]) => Object.entries(documents).map(([verb, query]) => [`${kind} ${verb}`, String(query)])),
    ...Object.entries(LOG_DOCUMENTS).flatMap(([kind, documents]) => Object.entries(documents).map(([verb, query]) => [`${kind} ${verb}`, String(query)])),
    ['introspection (GraphiQL)', getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true })],
  ];

  it.each(ours)('pass %s', (_name, query) => {
    expect(errorsOf(query)).toEqual([]);
  });
});
