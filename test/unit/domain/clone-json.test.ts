import { describe, expect, it } from 'vitest';
import { cloneJson } from '../../../src/domain/clone-json.js';
import { deepFreeze } from '../../../src/domain/deep-freeze.js';

describe('cloneJson', () => {
  it('copies every level, so the copy can change without touching the original (even a frozen one)', () => {
    const original = deepFreeze({ kind: 'Job', metadata: { name: 'a', labels: { x: 'y' } }, spec: { envs: [{ name: 'A', value: '1' }], replicas: 2, suspend: false, note: null } });
    const copy = cloneJson(original);
    expect(copy).toEqual(original);
    copy.metadata.labels.x = 'z';
    copy.spec.envs[0].value = '2';
    expect(original.metadata.labels.x).toBe('y');
    expect(original.spec.envs[0].value).toBe('1');
    expect(Object.isFrozen(copy.spec.envs)).toBe(false);
  });

  it('returns primitives and undefined as they are', () => {
    expect(cloneJson(undefined)).toBeUndefined();
    expect(cloneJson(null)).toBeNull();
    expect(cloneJson('s')).toBe('s');
    expect(cloneJson(3)).toBe(3);
  });
});
