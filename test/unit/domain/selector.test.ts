import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../../src/domain/errors.js';
import { parseLabelSelector, selectorFromMap } from '../../../src/domain/selector.js';

describe('parseLabelSelector', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' };

  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['env in (prod, staging)', true],
    ['env in (dev)', false],
    ['env notin (dev,qa)', true],
    ['env notin (prod)', false],
    ['tier', true],
    ['gpu', false],
    ['!gpu', true],
    ['!app', false],
    ['app=web,env in (prod),!gpu', true],
    ['app=web,env in (dev)', false],
  ])('%j matches %s', (text, expected) => {
    expect(parseLabelSelector(text).matches(labels)).toBe(expected);
  });

  it('treats missing labels as empty', () => {
    expect(parseLabelSelector('!a').matches(undefined)).toBe(true);
    expect(parseLabelSelector('a').matches(undefined)).toBe(false);
  });

  it('accepts prefixed keys', () => {
    expect(parseLabelSelector('sky.io/app=x').matches({ 'sky.io/app': 'x' })).toBe(true);
  });

  it('accepts an empty value, which matches an empty label as in Kubernetes', () => {
    expect(parseLabelSelector('app=').matches({ app: '' })).toBe(true);
    expect(parseLabelSelector('app=').matches({ app: 'web' })).toBe(false);
  });

  it.each(['a=b,', '=b', 'env in ()', 'env in (a,,b)', 'a b', 'bad key=1', 'a=b c', 'k=' + 'v'.repeat(64)])(
    'rejects %j naming the field',
    (text) => {
      let error: unknown;
      try {
        parseLabelSelector(text, 'spec.placement.clusterSelector');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BadUserInputError);
      expect((error as BadUserInputError).field).toBe('spec.placement.clusterSelector');
      expect((error as Error).message).toMatch(/^spec\.placement\.clusterSelector: invalid label selector/);
    },
  );
});

describe('selectorFromMap', () => {
  it('requires every entry', () => {
    const s = selectorFromMap({ my_app: 'testing' });
    expect(s.matches({ my_app: 'testing', other: 'x' })).toBe(true);
    expect(s.matches({ my_app: 'other' })).toBe(false);
    expect(s.matches({})).toBe(false);
    expect(selectorFromMap({}).matches({})).toBe(true);
  });
});
