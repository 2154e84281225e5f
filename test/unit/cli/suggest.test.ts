import { describe, expect, it } from 'vitest';
import { closest, suggestCommand } from '../../../cli/suggest.js';

const COMMANDS = [['get'], ['describe'], ['delete'], ['apply'], ['logs'], ['up'], ['server'], ['create', 'job'], ['create', 'deployment'], ['create', 'deploy'], ['config', 'set'], ['config', 'view']];

describe('closest', () => {
  it('counts a swap of two letters as one edit', () => {
    expect(closest('gte', ['get', 'set'])).toBe('get');
    expect(closest('jbos', ['job', 'jobs'])).toBe('jobs');
  });

  it('suggests nothing that is further than a slip', () => {
    expect(closest('pods', ['jobs', 'ns', 'fp'])).toBeUndefined();
    expect(closest('xy', ['up'])).toBeUndefined();
  });
});

describe('suggestCommand', () => {
  it('names the command in the words people type, keeping the arguments after it', () => {
    expect(suggestCommand(['gte', 'jobs'], COMMANDS)).toEqual({ unknown: 'gte', suggestion: 'get jobs' });
    expect(suggestCommand(['create', 'jbo', 'hello'], COMMANDS)).toEqual({ unknown: 'create jbo', suggestion: 'create job hello' });
    expect(suggestCommand(['craete', 'deploy', 'web'], COMMANDS)).toEqual({ unknown: 'craete', suggestion: 'create deploy web' });
    expect(suggestCommand(['config', 'st', 'api', 'x'], COMMANDS)).toEqual({ unknown: 'config st', suggestion: 'config set api x' });
  });

  it('has no suggestion for what is like no command', () => {
    expect(suggestCommand(['pods'], COMMANDS)).toEqual({ unknown: 'pods' });
    expect(suggestCommand(['config', 'remove', 'api'], COMMANDS)).toEqual({ unknown: 'config remove' });
  });
});
