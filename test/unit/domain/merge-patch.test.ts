import { describe, expect, it } from 'vitest';
import { mergePatch } from '../../../src/domain/merge-patch.js';

describe('mergePatch (RFC 7386)', () => {
  it('merges objects key by key, removes keys set to null, replaces everything else', () => {
    const target = { a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2], keep: true };
    expect(mergePatch(target, { a: 'z', c: { f: null, h: 1 }, list: [3] })).toEqual({ a: 'z', c: { d: 'e', h: 1 }, list: [3], keep: true });
    expect(target).toEqual({ a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2], keep: true });
  });

  it('follows the RFC’s examples at the edges', () => {
    expect(mergePatch({ a: 'b' }, { a: { b: 'c' } })).toEqual({ a: { b: 'c' } });
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd']);
    expect(mergePatch({ a: 'b' }, ['c'])).toEqual(['c']);
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch('string', { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});
