import { BaseCommand } from '../../base-command.js';
import { displayValue, loadSettings, maskResolvedSettings, SETTING_DESCRIPTIONS, SETTING_ENV, SETTING_KEYS, type ResolvedSettings } from '../../config.js';

export interface ConfigViewResult {
  /** The config file (it may not exist yet). */
  path: string;
  /** Each setting's value in effect and where it came from: flag, env, file or default; the token masked (`****`). */
  settings: ResolvedSettings;
}

export default class ConfigView extends BaseCommand {
  static override summary = 'Show the settings in effect and where each comes from.';

  static override description = `Settings come from, strongest first: a flag (--api, -n), an environment variable (${SETTING_KEYS.map((k) => SETTING_ENV[k]).join(', ')}), the config file ($SKYM_CONFIG, else ~/.skym/config.yaml), then the built-in default.

Settings: ${SETTING_KEYS.map((k) => `${k} (${SETTING_DESCRIPTIONS[k]})`).join('; ')}.`;

  static override examples = [
    { description: 'Where does skym send requests?', command: '<%= config.bin %> config view' },
    { description: 'As JSON, for scripts.', command: '<%= config.bin %> config view --json' },
  ];

  async run(): Promise<ConfigViewResult> {
    await this.parse(ConfigView);
    const { path, settings: resolved } = await loadSettings({});
    // A token is a password: shown as **** (or (none)), here and in --json, so the output can be pasted anywhere.
    const settings = maskResolvedSettings(resolved);
    this.out.table(
      [
        { header: 'Setting', value: (key: (typeof SETTING_KEYS)[number]) => key },
        { header: 'Value', value: (key) => displayValue(key, settings[key].value) },
        { header: 'Source', value: (key) => (settings[key].source === 'env' ? `env (${SETTING_ENV[key]})` : settings[key].source) },
      ],
      SETTING_KEYS,
    );
    this.out.log(`\nConfig file: ${path}`);
    return { path, settings };
  }
}
