import { describe, expect, it } from 'vitest';
import { Errors } from '@oclif/core';
import { UsageError } from '../../../cli/errors.js';
import { requireNames, resolveTargets } from '../../../cli/targets.js';

describe('resolveTargets', () => {
  it('takes KIND NAME…, and KIND alone for every object of the kind', () => {
    expect(resolveTargets('jobs', ['a', 'b'])).toEqual([{ kind: 'Job', names: ['a', 'b'] }]);
    expect(resolveTargets('deploy')).toEqual([{ kind: 'Deployment', names: [] }]);
  });

  it('takes KIND/NAME… as kubectl does, gathering names by kind in the order kinds first appear', () => {
    expect(resolveTargets('job/hello')).toEqual([{ kind: 'Job', names: ['hello'] }]);
    expect(resolveTargets('job/a', ['deploy/b', 'jobs/c', 'Cluster/local'])).toEqual([
      { kind: 'Job', names: ['a', 'c'] },
      { kind: 'Deployment', names: ['b'] },
      { kind: 'Cluster', names: ['local'] },
    ]);
  });

  it('refuses the two forms mixed, a KIND/ without a name, and unknown kinds', () => {
    expect(() => resolveTargets('jobs', ['a', 'job/b'])).toThrow(new UsageError('"job/b" names its kind already; give KIND NAME… or KIND/NAME…, not both (e.g. skym get job/b)'));
    expect(() => resolveTargets('job/a', ['b'])).toThrow('"b" has no kind; after job/a, name every object as KIND/NAME');
    expect(() => resolveTargets('job/')).toThrow('"job/" has no name after the /');
    expect(() => resolveTargets('pod/a')).toThrow('unknown kind "pod"');
  });
});

describe('requireNames', () => {
  it('is a usage mistake (exit 2) to name a kind but no object', () => {
    expect(() => requireNames(resolveTargets('job/a'), 'delete')).not.toThrow();
    expect(() => requireNames(resolveTargets('jobs', ['a']), 'delete')).not.toThrow();
    let error: unknown;
    try {
      requireNames(resolveTargets('jobs'), 'delete');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Errors.CLIError);
    expect((error as Errors.CLIError).message).toBe('name the objects to delete: skym delete KIND NAME… or KIND/NAME…');
    expect((error as Errors.CLIError).oclif.exit).toBe(2);
  });
});
