import { describe, expect, it } from 'vitest';
import { DEFAULT_API_URL, graphqlEndpoint, resolveApiUrl, resolveSetting } from '../../../src/client/endpoint.js';

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

describe('resolveSetting and resolveApiUrl', () => {
  it('take the given value, else the variable (empty is unset), else a file, else the default', () => {
    expect(resolveSetting({ given: 'g', env: 'e', file: 'f', fallback: 'd' })).toEqual({ value: 'g', source: 'flag' });
    expect(resolveSetting({ env: 'e', file: 'f', fallback: 'd' })).toEqual({ value: 'e', source: 'env' });
    expect(resolveSetting({ env: '', file: 'f', fallback: 'd' })).toEqual({ value: 'f', source: 'file' });
    expect(resolveSetting({ fallback: 'd' })).toEqual({ value: 'd', source: 'default' });
  });

  it('resolve the API address as every client does', () => {
    expect(resolveApiUrl('h:1', { SKYM_API: 'http://e:2' })).toBe('http://h:1/graphql');
    expect(resolveApiUrl(undefined, { SKYM_API: 'http://e:2' })).toBe('http://e:2/graphql');
    expect(resolveApiUrl(undefined, {})).toBe(DEFAULT_API_URL);
    expect(DEFAULT_API_URL).toBe('http://127.0.0.1:50051/graphql');
  });
});
