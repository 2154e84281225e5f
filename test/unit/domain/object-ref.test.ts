// The written forms of a ref are persisted (store keys) or read by people and scripts (messages),
// so they are pinned here.
import { describe, expect, it } from 'vitest';
import { cacheKey, describeRef, objectRef, parseWorkloadRefKey, refKey, refOf } from '../../../src/domain/object-ref.js';

describe('object refs', () => {
  it('default the namespace of namespaced kinds and drop it for global ones', () => {
    expect(objectRef('Job', 'hello')).toEqual({ kind: 'Job', namespace: 'default', name: 'hello' });
    expect(objectRef('Cluster', 'a', 'ignored')).toEqual({ kind: 'Cluster', name: 'a' });
    expect(refOf({ kind: 'Deployment', metadata: { name: 'web', namespace: 'team' } })).toEqual({ kind: 'Deployment', namespace: 'team', name: 'web' });
  });

  it('write the store and work-queue key, the message form and the cache key', () => {
    expect(refKey(objectRef('Job', 'hello'))).toBe('Job/default/hello');
    expect(refKey(objectRef('Cluster', 'a'))).toBe('Cluster//a');
    expect(describeRef(objectRef('FilterPolicy', 'p', 'team'))).toBe('filterpolicies/team/p');
    expect(describeRef(objectRef('Cluster', 'a'))).toBe('clusters/a');
    expect(cacheKey({ name: 'hello', namespace: 'default' })).toBe('default/hello');
    expect(cacheKey({ name: 'a' })).toBe('a');
  });

  it('parse a workload key back and refuse anything else', () => {
    expect(parseWorkloadRefKey('Deployment/team/web')).toEqual({ kind: 'Deployment', namespace: 'team', name: 'web' });
    for (const bad of ['Cluster//a', 'Job/default', 'Job//x', 'Job/a/b/c', 'job/default/x']) {
      expect(() => parseWorkloadRefKey(bad), bad).toThrow(/not a workload key/);
    }
  });
});
