import { describe, expect, it } from 'vitest';
import { asReplicaLogLine, clusterEndpoint, logsUrl, parseLogsPath, parseLogsQuery, skyletEndpointProblem } from '../../../src/domain/skylet-api.js';

describe('the Skylet logs route', () => {
  it('is built under the endpoint a Skylet publishes and parsed back by the Skylet', () => {
    const endpoint = clusterEndpoint('http://127.0.0.1:7070', 'onprem');
    expect(endpoint).toBe('http://127.0.0.1:7070/clusters/onprem');
    const url = logsUrl(endpoint, { kind: 'Job', namespace: 'default', name: 'hello' }, { tail: 5, follow: true });
    expect(url.href).toBe('http://127.0.0.1:7070/clusters/onprem/logs/jobs/default/hello?tail=5&follow=true');
    expect(parseLogsPath(url.pathname)).toEqual({ cluster: 'onprem', kind: 'Job', namespace: 'default', name: 'hello' });
    expect(parseLogsQuery(url.searchParams)).toEqual({ tail: 5, follow: true });
    const plain = logsUrl(`${endpoint}/`, { kind: 'Deployment', namespace: 'team-a', name: 'web' }, { follow: false });
    expect(plain.href).toBe('http://127.0.0.1:7070/clusters/onprem/logs/deployments/team-a/web');
    expect(parseLogsQuery(plain.searchParams)).toEqual({ follow: false });
  });

  it('refuses paths whose names are not DNS-1123 labels, so none can climb out of a directory', () => {
    expect(parseLogsPath('/clusters/a/logs/jobs/../hello')).toBeUndefined();
    expect(parseLogsPath('/clusters/a/logs/jobs/%2e%2e/hello')).toBeUndefined();
    expect(parseLogsPath('/clusters/a/logs/jobs/default/%E0%A4%A')).toBeUndefined();
    expect(parseLogsPath('/clusters/a/logs/pods/default/x')).toBeUndefined();
    expect(parseLogsPath('/clusters/a/logs/jobs/default')).toBeUndefined();
  });

  it('refuses a bad tail or follow', () => {
    expect(parseLogsQuery(new URLSearchParams('tail=-1'))).toEqual({ problem: 'tail must be a whole number of lines, not "-1"' });
    expect(parseLogsQuery(new URLSearchParams('tail=1e3'))).toHaveProperty('problem');
    expect(parseLogsQuery(new URLSearchParams('follow=yes'))).toEqual({ problem: 'follow must be true or false, not "yes"' });
    expect(parseLogsQuery(new URLSearchParams('tail=0&follow=false'))).toEqual({ tail: 0, follow: false });
  });
});

describe('skyletEndpointProblem', () => {
  it('accepts plain http(s) URLs', () => {
    expect(skyletEndpointProblem('http://127.0.0.1:7070/clusters/local')).toBeUndefined();
    expect(skyletEndpointProblem('https://skylets.example.com/clusters/a')).toBeUndefined();
  });

  it.each([
    ['file:///etc/passwd', /http:\/\/ or https:\/\/ URL, not file:/],
    ['gopher://x/', /not gopher:/],
    ['http://user:pw@host/clusters/a', /user name or password/],
    ['http://host/clusters/a?x=1', /query or a fragment/],
    ['/clusters/a', /not an absolute URL/],
  ])('refuses %s', (url, reason) => {
    expect(skyletEndpointProblem(url)).toMatch(reason);
  });
});

describe('asReplicaLogLine', () => {
  it('takes {replica, line} and nothing else', () => {
    expect(asReplicaLogLine({ replica: 0, line: 'Sky!', extra: 1 })).toEqual({ replica: 0, line: 'Sky!' });
    expect(asReplicaLogLine({ replica: -1, line: 'x' })).toBeUndefined();
    expect(asReplicaLogLine({ replica: 0.5, line: 'x' })).toBeUndefined();
    expect(asReplicaLogLine({ replica: 0, line: 3 })).toBeUndefined();
    expect(asReplicaLogLine(['x'])).toBeUndefined();
    expect(asReplicaLogLine(null)).toBeUndefined();
  });
});
