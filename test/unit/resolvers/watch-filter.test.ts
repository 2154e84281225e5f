import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../../src/domain/selector.js';
import type { Job, WatchEvent } from '../../../src/domain/types.js';
import { SelectorFilter } from '../../../src/resolvers/watch-filter.js';

let version = 0;
function event(type: WatchEvent['type'], name: string, labels: Record<string, string>): WatchEvent<Job> {
  version++;
  const object = { kind: 'Job', metadata: { name, namespace: 'default', labels, resourceVersion: String(version) } } as Job;
  return { type, object, resourceVersion: String(version) };
}
const run = (filter: SelectorFilter, events: WatchEvent<Job>[]) =>
  events.map((e) => filter.apply(e)).map((e) => (e ? `${e.type} ${e.object!.metadata.name}` : '-'));

describe('SelectorFilter', () => {
  it('passes everything through without a selector', () => {
    const filter = new SelectorFilter(parseLabelSelector(''));
    expect(run(filter, [event('ADDED', 'a', {}), event('MODIFIED', 'a', { x: 'y' }), event('DELETED', 'a', {})])).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
  });

  it('turns entering the selection into ADDED and leaving it into DELETED', () => {
    const filter = new SelectorFilter(parseLabelSelector('app=web'));
    expect(
      run(filter, [
        event('ADDED', 'a', { app: 'web' }),
        event('ADDED', 'b', { app: 'db' }),
        event('MODIFIED', 'b', { app: 'db', v: '2' }),
        event('MODIFIED', 'b', { app: 'web' }),
        event('MODIFIED', 'a', { app: 'web', v: '2' }),
        event('MODIFIED', 'a', { app: 'db' }),
        event('MODIFIED', 'a', { app: 'db', v: '3' }),
        event('DELETED', 'a', { app: 'db' }),
        event('DELETED', 'b', { app: 'web' }),
      ]),
    ).toEqual(['ADDED a', '-', '-', 'ADDED b', 'MODIFIED a', 'DELETED a', '-', '-', 'DELETED b']);
  });

  it('on a resumed watch, reports an unseen object that does not match as DELETED once', () => {
    // The client may hold it from before the resume point; it must not keep it.
    const filter = new SelectorFilter(parseLabelSelector('app=web'));
    expect(
      run(filter, [
        event('MODIFIED', 'old', { app: 'db' }),
        event('MODIFIED', 'old', { app: 'db', v: '2' }),
        event('MODIFIED', 'kept', { app: 'web' }),
        event('DELETED', 'never', { app: 'db' }),
        event('DELETED', 'was-in', { app: 'web' }),
      ]),
    ).toEqual(['DELETED old', '-', 'MODIFIED kept', '-', 'DELETED was-in']);
  });
});
