/**
 * The CLI's settings and where each comes from. Strongest first:
 *
 *   --api / -n flag  >  SKYM_API / SKYM_NAMESPACE / SKYM_TOKEN  >  ~/.skym/config.yaml  >  built-in default
 *
 * `token` (the bearer token for a server started with --token-auth-file) has no flag, so it
 * never shows in `ps` or shell history, and no default: without it no Authorization header is
 * sent. The file is written with mode 0600 because it may hold it; `config view` masks it.
 *
 * `api` may name several API servers of one installation, separated by commas
 * (`http://a:50051,http://b:50051`): the client uses the first that answers (src/client/connection.ts).
 *
 * The file is YAML (`api: http://host:50051/graphql`), validated with zod when read and when
 * `skym config set` writes it, so a typo names the key and the file. SKYM_CONFIG points at another
 * file (tests use it to keep away from the real home directory).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ApiAddressError, apiEndpoints, CLIENT_ENV, DEFAULT_API_URL, resolveSetting, type ResolvedSetting } from '../src/client/endpoint.js';
import { DEFAULT_NAMESPACE } from '../src/domain/kinds.js';
import { toYamlDocument } from './format.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const SettingsSchema = z
  .object({
    api: z.string().superRefine((address, ctx) => {
      try {
        apiEndpoints(address);
      } catch (error) {
        if (!(error instanceof ApiAddressError)) throw error;
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: error.message });
      }
    }),
    namespace: z.string().max(63).regex(DNS1123_LABEL, 'must be a namespace name (lower-case letters, digits and -)'),
    token: z.string().min(1, 'must not be empty').regex(/^\S+$/, 'must not contain whitespace'),
  })
  .partial()
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;

export const SETTING_KEYS = Object.keys(SettingsSchema.shape) as SettingKey[];

export const SETTING_DESCRIPTIONS: Record<SettingKey, string> = {
  api: 'URL of the Sky Manager API (its base URL, or its GraphQL endpoint .../graphql); several servers separated by commas',
  namespace: 'namespace of commands run without -n',
  token: 'bearer token for an API server that requires one (--token-auth-file)',
};

/** '' for token: none, no Authorization header. */
const DEFAULTS: Required<Settings> = { api: DEFAULT_API_URL, namespace: DEFAULT_NAMESPACE, token: '' };

/** The environment variable of each setting. */
export const SETTING_ENV: Record<SettingKey, string> = { api: CLIENT_ENV.api, namespace: 'SKYM_NAMESPACE', token: CLIENT_ENV.token };

/** Settings whose values are secrets: shown and echoed as `****`. */
const SECRET_SETTINGS: ReadonlySet<SettingKey> = new Set(['token']);

/** A setting's value as it may be printed: a secret one masked (`****`), an unset one as `(none)`. */
export function displayValue(key: SettingKey, value: string): string {
  if (value === '') return '(none)';
  return SECRET_SETTINGS.has(key) ? '****' : value;
}

/** Resolved settings with secret values masked (`****`; an unset one stays ''), for `config view`. */
export function maskResolvedSettings(settings: ResolvedSettings): ResolvedSettings {
  const masked = { ...settings };
  for (const key of SECRET_SETTINGS) if (masked[key].value !== '') masked[key] = { ...masked[key], value: '****' };
  return masked;
}

/** The file's settings with secret values masked, for what `config set` prints and returns. */
export function maskSettings(settings: Settings): Settings {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, SECRET_SETTINGS.has(key as SettingKey) ? '****' : value]));
}

export type ResolvedSettings = Record<SettingKey, ResolvedSetting>;

export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SKYM_CONFIG || join(homedir(), '.skym', 'config.yaml');
}

function problems(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')}; settings are ${SETTING_KEYS.join(', ')}`;
      return `${issue.path.join('.') || 'settings'}: ${issue.message}`;
    })
    .join('; ');
}

/** Validates settings from anywhere (file, `config set`); throws ConfigFileError naming `origin`. */
export function parseSettings(value: unknown, origin: string): Settings {
  const parsed = SettingsSchema.safeParse(value ?? {});
  if (!parsed.success) throw new ConfigFileError(`${origin}: ${problems(parsed.error)}`);
  return parsed.data;
}

/** The file's settings; none when it does not exist. */
export async function readSettings(path: string): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigFileError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigFileError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  return parseSettings(value, path);
}

/** Replaces the file atomically (write, then rename), creating its directory. */
export async function writeSettings(path: string, settings: Settings): Promise<void> {
  const checked = parseSettings(settings, path);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, Object.keys(checked).length === 0 ? '' : `${toYamlDocument(checked)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

/**
 * Applies the client's precedence (src/client/endpoint.ts) with the file in its place. Pure:
 * flags, environment and file contents come in as values. The file was validated when read; a
 * flag or variable is validated here, so a bad SKYM_API is named as such rather than failing later
 * as an unreachable server.
 */
export function resolveSettings(flags: Settings, env: NodeJS.ProcessEnv, file: Settings): ResolvedSettings {
  const resolve = (key: SettingKey): ResolvedSetting => {
    const resolved = resolveSetting({ given: flags[key], env: env[SETTING_ENV[key]], file: file[key], fallback: DEFAULTS[key] });
    if (resolved.source === 'flag') parseSettings({ [key]: resolved.value }, `--${key}`);
    if (resolved.source === 'env') parseSettings({ [key]: resolved.value }, SETTING_ENV[key]);
    return resolved;
  };
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, resolve(key)])) as ResolvedSettings;
}

/** Reads the file and resolves; what every command that talks to the API starts from. */
export async function loadSettings(flags: Settings, env: NodeJS.ProcessEnv = process.env): Promise<{ path: string; settings: ResolvedSettings }> {
  const path = configPath(env);
  return { path, settings: resolveSettings(flags, env, await readSettings(path)) };
}
