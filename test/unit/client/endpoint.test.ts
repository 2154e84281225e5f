import { describe, expect, it } from 'vitest';
import { graphqlEndpoint } from '../../../src/client/endpoint.js';

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
