import { Args } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { configPath, displayValue, maskSettings, readSettings, SETTING_DESCRIPTIONS, SETTING_ENV, SETTING_KEYS, writeSettings, type SettingKey, type Settings } from '../../config.js';

export interface ConfigSetResult {
  path: string;
  /** The file's settings after the change; the token masked (`****`). */
  settings: Settings;
}

export default class ConfigSet extends BaseCommand {
  static override summary = 'Save a setting in the config file.';

  static override description = `Settings: ${SETTING_KEYS.map((k) => `${k} (${SETTING_DESCRIPTIONS[k]})`).join('; ')}. The file is $SKYM_CONFIG, else ~/.skym/config.yaml; a flag or environment variable still wins over it (see \`skym config view\`).`;

  static override examples = [
    { description: 'Talk to an API server on another machine.', command: '<%= config.bin %> config set api http://sky.example.com:50051/graphql' },
    { description: 'Work in namespace team-a without -n.', command: '<%= config.bin %> config set namespace team-a' },
    { description: 'Authenticate to a server started with --token-auth-file.', command: '<%= config.bin %> config set token 31ada4fd-adec-460c-809a-9e56ceb75269' },
  ];

  static override args = {
    key: Args.string({ required: true, description: `The setting: ${SETTING_KEYS.join(', ')}.` }),
    value: Args.string({ required: true, description: 'Its new value.' }),
  };

  async run(): Promise<ConfigSetResult> {
    const { args } = await this.parse(ConfigSet);
    const path = configPath();
    // writeSettings validates the whole file, so an unknown key or a bad value is refused with
    // the setting named, and nothing is written.
    const settings = { ...(await readSettings(path)), [args.key]: args.value } as Settings;
    await writeSettings(path, settings);
    // Echoed masked, like `config view`: a token must not land in terminal scrollback or CI logs.
    this.out.log(`Set ${args.key} to ${displayValue(args.key as SettingKey, args.value)} in ${path}.`);
    const env = SETTING_ENV[args.key as keyof Settings];
    if (process.env[env]) this.out.info(`Note: ${env} is set, and wins over the file while it is.`);
    return { path, settings: maskSettings(settings) };
  }
}
