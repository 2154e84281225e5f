/** Each process's configuration: defaults written once, the variables each reads, up's layout. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadControllerManagerConfig } from '../../../src/config/controller-manager.js';
import { API_SERVER_DEFAULTS, CONTROLLER_DEFAULTS, shownPath } from '../../../src/config/defaults.js';
import { ConfigError } from '../../../src/config/load.js';
import { envOf, flagOf } from '../../../src/config/names.js';
import { loadUpConfig } from '../../../src/config/up.js';
import { configValues } from '../../../cli/process-flags.js';

describe('config key names', () => {
  it('give the flag and the variable of a key', () => {
    expect(flagOf('maxWebsocketConnectionsPerUser')).toBe('max-websocket-connections-per-user');
    expect(envOf('dataDir')).toBe('SKYM_DATA_DIR');
    expect(configValues({ 'data-dir': '/d', 'log-level': 'warn', other: 1 }, ['dataDir', 'logLevel', 'port'])).toEqual({ dataDir: '/d', logLevel: 'warn', port: undefined });
  });

  it('show the home directory as ~ in help text', () => {
    expect(shownPath('/home/a/.skym/clusters', '/home/a')).toBe('~/.skym/clusters');
    expect(shownPath('/home/ab', '/home/a')).toBe('/home/ab');
  });
});

describe('loadControllerManagerConfig', () => {
  it('fills the defaults, and reads only the log level and the Skylet token file from the environment', () => {
    const config = loadControllerManagerConfig({ apiUrls: 'http://a:1/graphql' }, { SKYM_LOG_LEVEL: 'warn', SKYM_PORT: 'not a port' });
    expect(config).toEqual({
      apiUrls: ['http://a:1/graphql'],
      stateDir: CONTROLLER_DEFAULTS.stateDir,
      probeIntervalMs: CONTROLLER_DEFAULTS.probeIntervalMs,
      skyletHost: CONTROLLER_DEFAULTS.skyletHost,
      skyletPort: CONTROLLER_DEFAULTS.skyletPort,
      metricsHost: CONTROLLER_DEFAULTS.metricsHost,
      metricsPort: CONTROLLER_DEFAULTS.metricsPort,
      failoverGraceMs: CONTROLLER_DEFAULTS.failoverGraceMs,
      logLevel: 'warn',
      discover: true,
      leaderElect: false,
      leaderElectLeaseName: CONTROLLER_DEFAULTS.leaderElectLeaseName,
      leaderElectLeaseDurationMs: 15_000,
      leaderElectRenewDeadlineMs: 10_000,
      leaderElectRetryPeriodMs: 2_000,
    });
    expect(loadControllerManagerConfig({ apiUrls: 'x' }, { SKYM_SKYLET_TOKEN_FILE: '/t' }).skyletTokenFile).toBe('/t');
  });

  it('names a metrics port out of range', () => {
    expect(() => loadControllerManagerConfig({ apiUrls: 'a:1', metricsPort: 70_000 }, {})).toThrow(/metricsPort: Number must be less than or equal to 65535/);
  });

  it('takes several API servers as the client does, naming a bad one', () => {
    expect(loadControllerManagerConfig({ apiUrls: 'a:1, http://b:2' }, {}).apiUrls).toEqual(['http://a:1/graphql', 'http://b:2/graphql']);
    expect(loadControllerManagerConfig({ apiUrls: ['a:1', 'b:2'] }, {}).apiUrls).toEqual(['http://a:1/graphql', 'http://b:2/graphql']);
    expect(() => loadControllerManagerConfig({ apiUrls: 'a:1,ftp://b' }, {})).toThrow('apiUrls: API server 2 of 2 in "a:1,ftp://b": "ftp://b" must be an http:// or https:// URL, not ftp:');
    expect(() => loadControllerManagerConfig({}, {})).toThrow(/apiUrls: Required/);
  });

  it('names a bad value', () => {
    expect(() => loadControllerManagerConfig({ apiUrls: 'x', probeIntervalMs: 10 }, {})).toThrow(ConfigError);
    expect(() => loadControllerManagerConfig({ apiUrls: 'x', probeIntervalMs: 10 }, {})).toThrow('probeIntervalMs:');
  });

  it('refuses leader election timings that could let two replicas lead at once, naming the setting', () => {
    const timings = { leaderElectLeaseDurationMs: 5_000, leaderElectRenewDeadlineMs: 5_000 };
    expect(() => loadControllerManagerConfig({ apiUrls: 'x', leaderElect: true, ...timings }, {})).toThrow(
      /leaderElectLeaseDurationMs \(--lease-duration\): must be greater than leaderElectRenewDeadlineMs \(--renew-deadline\) \(5000\), got 5000/,
    );
    // Not leader-elected: the timings are not used, so not judged.
    expect(loadControllerManagerConfig({ apiUrls: 'x', leaderElect: false, ...timings }, {}).leaderElect).toBe(false);
    expect(() => loadControllerManagerConfig({ apiUrls: 'x', leaderElectLeaseName: 'Not_A_Label' }, {})).toThrow(/leaderElectLeaseName: must be a DNS label/);
  });
});

describe('loadUpConfig', () => {
  it("keeps the controllers' files under the API server's data directory", () => {
    const config = loadUpConfig({ apiServer: { dataDir: '/tmp/sky', logLevel: 'debug', skyletTokenFile: '/t' } }, {});
    expect(config.controllers.stateDir).toBe(join('/tmp/sky', 'clusters'));
    expect(config.controllers).toMatchObject({ logLevel: 'debug', skyletTokenFile: '/t', discover: true });
    expect(config.localCluster).toBe(true);
    expect(loadUpConfig({ apiServer: {} }, {}).controllers.stateDir).toBe(join(API_SERVER_DEFAULTS.dataDir, 'clusters'));
    expect(loadUpConfig({ apiServer: {}, localCluster: false, discover: false }, {})).toMatchObject({ localCluster: false, controllers: { discover: false } });
  });
});
