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
