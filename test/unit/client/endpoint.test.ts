import { describe, expect, it } from 'vitest';
import { apiEndpoints, DEFAULT_API_URL, graphqlEndpoint, resolveApiUrls, resolveSetting } from '../../../src/client/endpoint.js';

describe('graphqlEndpoint', () => {
  it('takes the server base URL as the demo and kubectl --server users write it', () => {
    expect(graphqlEndpoint('http://127.0.0.1:50051')).toBe('http://127.0.0.1:50051/graphql');
    expect(graphqlEndpoint('http://127.0.0.1:50051/')).toBe('http://127.0.0.1:50051/graphql');
    expect(graphqlEndpoint('127.0.0.1:50051')).toBe('http://127.0.0.1:50051/graphql');
    expect(graphqlEndpoint('localhost:50051')).toBe('http://localhost:50051/graphql');
    expect(graphqlEndpoint(' https://sky.example.com ')).toBe('https://sky.example.com/graphql');
    expect(graphqlEndpoint('ws://127.0.0.1:50051/graphql')).toBe('http://127.0.0.1:50051/graphql');
  });

  it('keeps an endpoint that names its path', () => {
    expect(graphqlEndpoint('http://127.0.0.1:50051/graphql')).toBe('http://127.0.0.1:50051/graphql');
    expect(graphqlEndpoint('https://proxy.example.com/sky/graphql')).toBe('https://proxy.example.com/sky/graphql');
  });

  it('refuses what cannot be an http(s) address, naming it', () => {
    expect(() => graphqlEndpoint('ftp://x')).toThrow('"ftp://x" must be an http:// or https:// URL, not ftp:');
    expect(() => graphqlEndpoint('http://')).toThrow('"http://" is not a URL such as http://127.0.0.1:50051');
  });
});

describe('resolveSetting and resolveApiUrls', () => {
  it('take the given value, else the variable (empty is unset), else a file, else the default', () => {
    expect(resolveSetting({ given: 'g', env: 'e', file: 'f', fallback: 'd' })).toEqual({ value: 'g', source: 'flag' });
    expect(resolveSetting({ env: 'e', file: 'f', fallback: 'd' })).toEqual({ value: 'e', source: 'env' });
    expect(resolveSetting({ env: '', file: 'f', fallback: 'd' })).toEqual({ value: 'f', source: 'file' });
    expect(resolveSetting({ fallback: 'd' })).toEqual({ value: 'd', source: 'default' });
  });

  it('resolve the API address as every client does', () => {
    expect(resolveApiUrls('h:1', { SKYM_API: 'http://e:2' })).toEqual(['http://h:1/graphql']);
    expect(resolveApiUrls(undefined, { SKYM_API: 'http://e:2' })).toEqual(['http://e:2/graphql']);
    expect(resolveApiUrls(undefined, { SKYM_API: 'http://e:2,http://e:3' })).toEqual(['http://e:2/graphql', 'http://e:3/graphql']);
    expect(resolveApiUrls(undefined, {})).toEqual([DEFAULT_API_URL]);
    expect(DEFAULT_API_URL).toBe('http://127.0.0.1:50051/graphql');
  });
});

describe('apiEndpoints: several API servers in one text', () => {
  it('normalises each entry as graphqlEndpoint does, keeping their order', () => {
    expect(apiEndpoints('http://a:50051,http://b:50051')).toEqual(['http://a:50051/graphql', 'http://b:50051/graphql']);
    expect(apiEndpoints(' b:1 , ws://a:2/graphql,https://proxy.example.com/sky/graphql ')).toEqual([
      'http://b:1/graphql',
      'http://a:2/graphql',
      'https://proxy.example.com/sky/graphql',
    ]);
  });

  it('reads one address as before, with the same messages', () => {
    expect(apiEndpoints('127.0.0.1:50051')).toEqual(['http://127.0.0.1:50051/graphql']);
    expect(() => apiEndpoints('ftp://x')).toThrow(/^"ftp:\/\/x" must be an http:\/\/ or https:\/\/ URL, not ftp:$/);
  });

  it('refuses a bad entry naming it and its place', () => {
    expect(() => apiEndpoints('http://a:1,ftp://b')).toThrow('API server 2 of 2 in "http://a:1,ftp://b": "ftp://b" must be an http:// or https:// URL, not ftp:');
    expect(() => apiEndpoints('http://,http://b:1')).toThrow(/^API server 1 of 2 in "http:\/\/,http:\/\/b:1": "http:\/\/" is not a URL/);
  });

  it('refuses empty entries and a server given twice rather than skipping them', () => {
    expect(() => apiEndpoints('http://a:1,,http://b:1')).toThrow('API server 2 of 3 in "http://a:1,,http://b:1" is empty; separate the addresses with single commas');
    expect(() => apiEndpoints('http://a:1,')).toThrow('API server 2 of 2 in "http://a:1," is empty');
    expect(() => apiEndpoints('a:1,http://a:1/graphql')).toThrow('API server 2 of 2 in "a:1,http://a:1/graphql": http://a:1/graphql is given twice');
  });
});
