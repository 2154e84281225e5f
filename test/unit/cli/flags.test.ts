import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/errors.js';
import { parseResources, parseResourceValue, splitKeyValue, toMap } from '../../../cli/flags.js';

describe('parseResources (--resources as oclif hands it over: every token after the flag)', () => {
  it('reads the demo\'s two-token form', () => {
    expect(parseResources(['cpu', '1'])).toEqual({ cpu: 1 });
    expect(parseResources(['cpu', '1', 'memory', '512', 'gpu', '2'])).toEqual({ cpu: 1, memory: 512, gpu: 2 });
  });

  it('reads key=value, comma-separated or not, and mixes both forms', () => {
    expect(parseResources(['cpu=1'])).toEqual({ cpu: 1 });
    expect(parseResources(['cpu=0.5,memory=2Gi'])).toEqual({ cpu: 0.5, memory: 2048 });
    expect(parseResources(['cpu=2', 'gpu', '1', 'accelerator=A100'])).toEqual({ cpu: 2, gpu: 1, accelerator: 'A100' });
  });

  it('understands millicores and memory units', () => {
    expect(parseResources(['cpu', '500m', 'memory', '512Mi'])).toEqual({ cpu: 0.5, memory: 512 });
    expect(parseResources(['memory', '1Ti'])).toEqual({ memory: 1024 * 1024 });
  });

  it('is undefined when the flag was not given', () => {
    expect(parseResources(undefined)).toBeUndefined();
    expect(parseResources([])).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(() => parseResources(['cpu'])).toThrow(new UsageError('--resources cpu needs a value, as in --resources cpu 1'));
    expect(() => parseResources(['cpus', '1'])).toThrow('unknown resource "cpus"; use cpu, memory, gpu or accelerator');
    expect(() => parseResources(['cpu', 'lots'])).toThrow('--resources cpu: "lots" is not a quantity of cores such as 1, 0.5 or 500m');
    expect(() => parseResources(['gpu', '1.5'])).toThrow('--resources gpu: "1.5" is not a whole number of GPUs such as 1');
    expect(() => parseResources(['memory', '2Xi'])).toThrow('--resources memory: "2Xi" is not a quantity such as 512Mi, 2Gi or 1024 (MiB)');
    expect(() => parseResources(['cpu', '1', 'cpu=2'])).toThrow('--resources cpu is given twice');
  });

  it('swallowing a following NAME is reported, not mistaken for a resource', () => {
    // `skym create job --resources cpu 1 myjob`: the greedy flag took `myjob` too.
    expect(() => parseResources(['cpu', '1', 'myjob'])).toThrow('--resources myjob needs a value');
  });
});

describe('parseResourceValue', () => {
  it('names the flag it came from', () => {
    expect(parseResourceValue('memory', '8Gi', '--memory')).toBe(8192);
    expect(() => parseResourceValue('cpu', '-1', '--cpu')).toThrow('--cpu: "-1" is not a quantity of cores');
  });
});

describe('key=value flags', () => {
  it('splits at the first =, so values may contain =', () => {
    expect(splitKeyValue('app=web', '--label')).toEqual(['app', 'web']);
    expect(splitKeyValue('OPTS=a=b', '--env')).toEqual(['OPTS', 'a=b']);
    expect(splitKeyValue('EMPTY=', '--env')).toEqual(['EMPTY', '']);
  });

  it('refuses a missing key or =', () => {
    expect(() => splitKeyValue('app', '--label')).toThrow('--label takes key=value, got "app"');
    expect(() => splitKeyValue('=web', '--label')).toThrow('--label takes key=value, got "=web"');
  });

  it('toMap refuses a key given twice', () => {
    expect(toMap([{ key: 'a', value: '1' }, { key: 'b', value: '2' }], '--label')).toEqual({ a: '1', b: '2' });
    expect(toMap(undefined, '--label')).toBeUndefined();
    expect(() => toMap([{ key: 'a', value: '1' }, { key: 'a', value: '2' }], '--label')).toThrow('--label a is given twice');
  });
});
