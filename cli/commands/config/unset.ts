import { Args } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { configPath, maskSettings, readSettings, SETTING_KEYS, writeSettings, type SettingKey, type Settings } from '../../config.js';
import { UsageError } from '../../errors.js';

export interface ConfigUnsetResult {
  path: string;
  settings: Settings;
}

export default class ConfigUnset extends BaseCommand {
  static override summary = 'Remove a setting from the config file, back to its default.';

  static override description = `Settings: ${SETTING_KEYS.join(', ')}. Without it in the file, a setting comes from its flag or environment variable, else its default (see \`skym config view\`).`;

  static override examples = [
    { description: 'Use the default API address again.', command: '<%= config.bin %> config unset api' },
    { description: 'Back to namespace "default".', command: '<%= config.bin %> config unset namespace' },
  ];

  static override args = {
    key: Args.string({ required: true, description: `The setting: ${SETTING_KEYS.join(', ')}.` }),
  };

  async run(): Promise<ConfigUnsetResult> {
    const { args } = await this.parse(ConfigUnset);
    if (!SETTING_KEYS.includes(args.key as SettingKey)) throw new UsageError(`unknown setting "${args.key}"; settings are ${SETTING_KEYS.join(', ')}`);
    const path = configPath();
    const { [args.key as SettingKey]: _removed, ...settings } = await readSettings(path);
    await writeSettings(path, settings);
    this.out.log(`Removed ${args.key} from ${path}.`);
    return { path, settings: maskSettings(settings) };
  }
}
