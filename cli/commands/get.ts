/**
 * skym get KIND [NAME...]: one command for every kind, the way kubectl has it, rather than a
 * topic of per-kind commands; what differs per kind (names, columns) is cli/kinds.ts's table.
 */
import { GoneError, type ResourceAPI } from '../../src/client/index.js';
import type { Kind } from '../../src/domain/kinds.js';
import type { SkyObject, WatchEventType } from '../../src/domain/types.js';
import { ApiCommand, type Connection } from '../api-command.js';
import { UsageError } from '../errors.js';
import { allNamespaces, namespace, output, selector, watch, type OutputFormat } from '../flags.js';
import type { Column, RenderedTable, WidthHints } from '../format.js';
import { KIND_NAMES, viewOf, type KindView, type Row } from '../kinds.js';
import { namesObjects, resolveTargets, targetArgs } from '../targets.js';

/**
 * What `-o json` prints: one object, or a list that `skym apply -f` reads back (`kind: List` when
 * objects of several kinds were named: `get job/a deploy/b`).
 */
export type GetResult = SkyObject | ObjectListResult;

export interface ObjectListResult {
  kind: string;
  items: SkyObject[];
  /** Absent when NAMEs were fetched one by one (no single version covers them). */
  resourceVersion?: string;
}

interface Query {
  kind: Kind;
  names: string[];
  labelSelector?: string;
  allNamespaces: boolean;
  namespace: string;
}

export default class Get extends ApiCommand {
  static override summary = 'Show objects as a table, JSON or YAML, and follow their changes with --watch.';

  static override description = `KIND is one of ${KIND_NAMES.join(', ')}, in singular, plural or short form (job, jobs; deploy; ns; fp). Without NAME, lists them (jobs, deployments and filterpolicies in one namespace, or every one with -A). Objects may also be named as KIND/NAME, as kubectl takes them: \`skym get job/hello deploy/web\` prints a table per kind.

Tables show what the original demo showed: clusters with their free/total cpu, gpu and memory; jobs and deployments with one row per cluster their replicas are placed on. -o json and -o yaml print the objects in full, in a form \`skym apply -f\` reads back.

--watch prints the objects, then one row per change (ADDED, MODIFIED, DELETED) as it happens, resuming by itself after a dropped connection, until Ctrl-C. With -o json it prints one event per line; with -o yaml, one document per event.`;

  static override examples = [
    { description: 'List clusters with their resources (free/total).', command: '<%= config.bin %> get clusters' },
    { description: 'One job: a row per cluster its replicas run on.', command: '<%= config.bin %> get job sky-165c0f23' },
    { description: 'Objects of several kinds, named kubectl\'s way.', command: '<%= config.bin %> get job/sky-165c0f23 deployment/web' },
    { description: 'Jobs labelled app=web in every namespace, with more columns.', command: '<%= config.bin %> get jobs -A -l app=web -o wide' },
    { description: 'Save a job as YAML, edit it, and apply it back.', command: '<%= config.bin %> get job hello -o yaml > hello.yaml && <%= config.bin %> apply -f hello.yaml' },
    { description: 'Follow the jobs of a namespace as they change.', command: '<%= config.bin %> get jobs -n team-a --watch' },
  ];

  static override args = targetArgs({
    kind: `Kind of object: ${KIND_NAMES.join(', ')} (singular and short names work too); or KIND/NAME.`,
    names: 'Names of the objects to show (or more KIND/NAMEs); all of them when omitted.',
  });

  static override flags = {
    namespace,
    'all-namespaces': allNamespaces,
    selector,
    output,
    watch,
  };

  async run(): Promise<GetResult | undefined> {
    const { args, flags } = await this.parse(Get);
    const targets = resolveTargets(args.kind, args.names ?? []);
    if (namesObjects(targets) && flags.selector) throw new UsageError('give NAMEs or --selector, not both');
    if (namesObjects(targets) && flags['all-namespaces']) throw new UsageError('NAMEs are looked up in one namespace; give -n instead of -A');
    if (flags.watch && targets.length > 1) throw new UsageError('--watch follows one kind at a time; run a skym get -w for each');
    const connection = await this.connect(flags);
    const queries: Query[] = targets.map(({ kind, names }) => ({
      kind,
      names,
      labelSelector: flags.selector,
      allNamespaces: flags['all-namespaces'],
      namespace: connection.namespace,
    }));

    if (flags.watch) {
      await this.follow(connection, queries[0], flags.output);
      return undefined;
    }
    if (queries.length === 1) {
      const result = await this.fetch(connection.api(queries[0].kind), queries[0]);
      this.print(queries[0], result, flags.output);
      return result;
    }
    // Several kinds (`get job/a deploy/b`): a table per kind, or one List of them all.
    const objectCount = queries.reduce((n, query) => n + query.names.length, 0);
    const items: SkyObject[] = [];
    let tables = 0;
    for (const query of queries) {
      const result = await this.fetch(connection.api(query.kind), query, objectCount > 1);
      const found = 'items' in result ? result.items : [result];
      items.push(...found);
      if (flags.output === 'json' || flags.output === 'yaml' || found.length === 0) continue;
      if (tables++ > 0) this.out.log();
      this.print(query, result, flags.output);
    }
    const list: ObjectListResult = { kind: 'List', items };
    if (flags.output === 'json' || flags.output === 'yaml') this.print(queries[0], list, flags.output);
    return list;
  }

  /** One kind's objects; `reportMissing` reports a missing one and goes on, as several NAMEs do. */
  private async fetch(api: ResourceAPI<Kind>, query: Query, reportMissing = query.names.length > 1): Promise<GetResult> {
    if (query.names.length === 0) return api.list({ labelSelector: query.labelSelector, allNamespaces: query.allNamespaces });
    if (!reportMissing) return api.get(query.names[0]);
    const items: SkyObject[] = [];
    for (const name of query.names) {
      try {
        items.push(await api.get(name));
      } catch (error) {
        // Like kubectl: show what exists, report what does not, exit 1.
        this.report(error);
      }
    }
    return { kind: `${query.kind}List`, items };
  }

  private print(query: Query, result: GetResult, format: OutputFormat | undefined): void {
    if (format === 'json') return this.out.styledJSON(result);
    if (format === 'yaml') return this.out.styledYAML(result);
    const view = viewOf(query.kind) as KindView;
    const items = 'items' in result ? result.items : [result];
    if (items.length === 0) {
      if (query.names.length === 0) this.out.info(`No ${view.names[1]} found${where(view, query)}.`);
      return;
    }
    this.out.table(columnsOf(view, format), items.flatMap((item) => view.rows(item)));
  }

  /**
   * List, print, then watch from the list's resourceVersion: the client resumes across dropped
   * connections from the last version it delivered, so no change is missed or printed twice. If
   * the server no longer has that version (GONE), list again and go on from there.
   */
  private async follow(connection: Connection, query: Query, format: OutputFormat | undefined): Promise<void> {
    const api = connection.api(query.kind);
    const view = viewOf(query.kind) as KindView;
    // Room up front for what rows may show later (every cluster's name, the longest phase), so
    // the columns stay where they are as events come.
    const hints: WidthHints = { clusterNames: view.kind === 'Job' || view.kind === 'Deployment' ? await clusterNames(connection) : [] };
    const columns: Column<Row & { event: WatchEventType }>[] = [{ header: 'Event', value: (r) => r.event, minWidth: 'MODIFIED'.length }, ...columnsOf(view, format)];
    const stop = new AbortController();
    const interrupt = () => stop.abort();
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    let printed: RenderedTable | undefined;
    let documents = 0;
    const show = (type: WatchEventType, objects: SkyObject[]) => {
      const shown = objects.filter((o) => query.names.length === 0 || query.names.includes(o.metadata.name));
      if (shown.length === 0) return;
      if (format === 'json') return shown.forEach((object) => this.out.jsonLine({ type, object }));
      if (format === 'yaml') return shown.forEach((object) => this.out.styledYAML({ type, object }, documents++ > 0));
      const rows = shown.flatMap((object) => view.rows(object).map((row) => ({ ...row, event: type })));
      printed = this.out.table(columns, rows, { header: printed === undefined, minWidths: printed?.widths, reserve: hints }) ?? printed;
    };
    try {
      while (!stop.signal.aborted) {
        const list = await api.list({ labelSelector: query.labelSelector, allNamespaces: query.allNamespaces });
        show('ADDED', list.items);
        const table = format !== 'json' && format !== 'yaml';
        if (table && printed === undefined && list.items.length === 0) this.out.info(`No ${view.names[1]} found${where(view, query)} yet; waiting for changes.`);
        try {
          const events = api.watch({ labelSelector: query.labelSelector, allNamespaces: query.allNamespaces, resourceVersion: list.resourceVersion, signal: stop.signal });
          for await (const event of events) if (event.object) show(event.type, [event.object]);
          return;
        } catch (error) {
          // Fallen behind the server's history: list again (its objects print as ADDED again).
          if (!(error instanceof GoneError)) throw error;
        }
      }
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
  }
}

/** Names of the clusters there are; none when they cannot be listed (the watch then only widens as it goes). */
async function clusterNames(connection: Connection): Promise<string[]> {
  try {
    return (await connection.api('Cluster').list()).items.map((cluster) => cluster.metadata.name);
  } catch {
    return [];
  }
}

function columnsOf(view: KindView, format: OutputFormat | undefined): Column<Row>[] {
  return format === 'wide' ? [...view.columns, ...view.wide] : view.columns;
}

function where(view: KindView, query: Query): string {
  const matching = query.labelSelector ? ` matching "${query.labelSelector}"` : '';
  if (!view.namespaced) return matching;
  return query.allNamespaces ? `${matching} in any namespace` : `${matching} in namespace "${query.namespace}"`;
}
