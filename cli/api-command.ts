/**
 * The base of commands that talk to the API server (get, create, apply, …; later logs and
 * controllers): adds `--api` and `connect()`, which resolves the API address, the default
 * namespace and the bearer token (cli/config.ts) and opens one client for the command. `finally`
 * closes it, so open watches end and the process can exit.
 */
import { ResourceAPI, SkyClient } from '../src/client/index.js';
import type { Kind } from '../src/domain/kinds.js';
import { BaseCommand } from './base-command.js';
import { loadSettings, type ResolvedSettings } from './config.js';
import { api } from './flags.js';

export interface Connection {
  client: SkyClient;
  settings: ResolvedSettings;
  /** The namespace of namespaced objects when none is given: -n, $SKYM_NAMESPACE, the config file, "default". */
  namespace: string;
  /** The API of one kind on this connection; `namespace` defaults to the one above. */
  api<K extends Kind>(kind: K, namespace?: string): ResourceAPI<K>;
}

export interface ConnectionFlags {
  api?: string;
  namespace?: string;
  'log-level'?: string;
}

export abstract class ApiCommand extends BaseCommand {
  static override baseFlags = { ...BaseCommand.baseFlags, api };

  private client?: SkyClient;

  protected async connect(flags: ConnectionFlags): Promise<Connection> {
    this.logLevel = flags['log-level'];
    const { settings } = await loadSettings({ api: flags.api, namespace: flags.namespace });
    await this.client?.close();
    // The token setting ('' when none): SKYM_TOKEN, else `token` in the config file.
    const client = new SkyClient({ url: settings.api.value, token: settings.token.value || undefined });
    this.client = client;
    const namespace = settings.namespace.value;
    return { client, settings, namespace, api: (kind, ns) => new ResourceAPI(kind, { client, namespace: ns ?? namespace }) };
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    await this.client?.close();
    await super.finally(error);
  }
}
