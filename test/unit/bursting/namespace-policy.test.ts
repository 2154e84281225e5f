import { describe, expect, it } from 'vitest';
import { namespaceWaitingPolicy, parseWaitingPolicy } from '../../../src/bursting/namespace-policy.js';

describe('the sky.dev/waiting-policy annotation', () => {
  it.each([
    ['ZERO', { policy: 'ZERO' }],
    ['INFINITE', { policy: 'INFINITE' }],
    ['COMPUTE budget=0.25', { policy: 'COMPUTE', budget: 0.25 }],
    ['  CONSTANT   coefficient=600 ', { policy: 'CONSTANT', coefficient: 600 }],
  ])('reads %j', (text, policy) => {
    expect(parseWaitingPolicy(text)).toEqual({ policy });
  });

  it.each([
    ['SOMETIMES', /policy: must be one of INFINITE, ZERO/],
    ['COMPUTE', /COMPUTE takes either a coefficient or a budget/],
    ['COMPUTE budget=0.25 coefficient=3', /exactly one/],
    ['ZERO budget=1', /ZERO takes no budget/],
    ['RUNTIME budget=lots', /budget: "lots" is not a number/],
    ['RUNTIME wait=3', /"wait=3" is not coefficient=NUMBER or budget=NUMBER/],
    ['RUNTIME budget=-1', /budget: /],
  ])('refuses %j and says why', (text, message) => {
    const parsed = parseWaitingPolicy(text);
    expect('problem' in parsed && parsed.problem).toMatch(message);
  });

  it('gives no policy for a namespace without the annotation, or with a bad one', () => {
    expect(namespaceWaitingPolicy({})).toBeUndefined();
    expect(namespaceWaitingPolicy(undefined)).toBeUndefined();
    expect(namespaceWaitingPolicy({ 'sky.dev/waiting-policy': 'NOPE' })).toBeUndefined();
    expect(namespaceWaitingPolicy({ 'sky.dev/waiting-policy': 'RUNTIME budget=0.5' })).toEqual({ policy: 'RUNTIME', budget: 0.5 });
  });
});
