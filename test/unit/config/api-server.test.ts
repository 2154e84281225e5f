import { describe, expect, it } from 'vitest';
import { loadApiServerConfig as loadConfig } from '../../../src/config/api-server.js';
import { ConfigError } from '../../../src/config/load.js';

describe('loadConfig: repairDataDir', () => {
  it('is off by default, and comes from SKYM_REPAIR_DATA_DIR or the flag, the flag first', () => {
    expect(loadConfig({}, {}).repairDataDir).toBe(false);
    expect(loadConfig({}, { SKYM_REPAIR_DATA_DIR: 'true' }).repairDataDir).toBe(true);
    expect(loadConfig({ repairDataDir: false }, { SKYM_REPAIR_DATA_DIR: 'true' }).repairDataDir).toBe(false);
    expect(loadConfig({ repairDataDir: true }, {}).repairDataDir).toBe(true);
  });

  it('names the key when the value is not a boolean', () => {
    expect(() => loadConfig({}, { SKYM_REPAIR_DATA_DIR: 'yes' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { SKYM_REPAIR_DATA_DIR: 'yes' })).toThrow('repairDataDir: Expected boolean');
  });
});

describe('loadConfig: OIDC', () => {
  const oidc = { oidcIssuer: 'https://issuer.example.com', oidcAudience: 'sky', oidcJwks: '/etc/skym/jwks.json' };

  it('is off by default, with kube-apiserver\'s default claims', () => {
    const config = loadConfig({}, {});
    expect(config.oidcIssuer).toBeUndefined();
    expect(config).toMatchObject({ oidcUsernameClaim: 'sub', oidcGroupsClaim: 'groups', oidcUsernamePrefix: '', oidcGroupsPrefix: '' });
  });

  it('takes the issuer, audience and keys together, from flags or SKYM_OIDC_* variables', () => {
    expect(loadConfig(oidc, {})).toMatchObject(oidc);
    expect(loadConfig({}, { SKYM_OIDC_ISSUER: oidc.oidcIssuer, SKYM_OIDC_AUDIENCE: 'sky', SKYM_OIDC_JWKS: 'https://issuer.example.com/keys', SKYM_OIDC_GROUPS_CLAIM: 'roles' })).toMatchObject({
      oidcJwks: 'https://issuer.example.com/keys',
      oidcGroupsClaim: 'roles',
    });
  });

  it('names the missing flags when only some are given', () => {
    expect(() => loadConfig({ oidcIssuer: oidc.oidcIssuer }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ oidcIssuer: oidc.oidcIssuer }, {})).toThrow('oidcAudience: --oidc-audience (SKYM_OIDC_AUDIENCE) is required with --oidc-issuer');
    expect(() => loadConfig({ oidcIssuer: oidc.oidcIssuer }, {})).toThrow('oidcJwks: --oidc-jwks (SKYM_OIDC_JWKS) is required with --oidc-issuer');
    expect(() => loadConfig({ oidcJwks: 'k.json', oidcAudience: 'sky' }, {})).toThrow('oidcIssuer: --oidc-issuer (SKYM_OIDC_ISSUER) is required with --oidc-audience and --oidc-jwks');
  });

  it('wants an https issuer', () => {
    expect(() => loadConfig({ ...oidc, oidcIssuer: 'http://issuer.example.com' }, {})).toThrow('oidcIssuer: "http://issuer.example.com" is not an https URL');
    expect(() => loadConfig({ ...oidc, oidcIssuer: 'issuer' }, {})).toThrow('is not an https URL');
  });
});
