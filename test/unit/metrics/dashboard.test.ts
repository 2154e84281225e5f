/**
 * The Grafana dashboard (deploy/grafana/sky-manager.json) reads exactly the metrics the processes
 * export: every metric a panel's PromQL names exists in the registries the API server and the
 * controller manager build, and every Sky Manager metric has a panel. A renamed metric fails here,
 * not on somebody's empty graph.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiServerMetrics } from '../../../src/metrics/api-server-metrics.js';
import { createControllerMetrics } from '../../../src/metrics/controller-metrics.js';
import { createMetricsRegistry } from '../../../src/metrics/registry.js';
import { PROJECT_ROOT } from '../../helpers/root.js';

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(join(PROJECT_ROOT, 'deploy', 'grafana', 'sky-manager.json'), 'utf8')) as { panels: Panel[]; title: string };

/** The metric names in a PromQL expression: ours and prom-client's process ones. */
const METRIC_NAME = /\b(?:sky|process|nodejs)_[a-zA-Z0-9_]+/g;

/** Every series name each registry exposes, a histogram's _bucket, _sum and _count included. */
async function exportedNames(): Promise<Set<string>> {
  const api = createMetricsRegistry();
  createApiServerMetrics(api);
  const controllers = createMetricsRegistry();
  createControllerMetrics(controllers, { workloads: () => [], clusters: () => [], roles: () => [] });
  const names = new Set<string>();
  for (const registry of [api, controllers]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
      if (String(metric.type) === 'summary') for (const suffix of ['_sum', '_count']) names.add(metric.name + suffix);
    }
  }
  return names;
}

function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

const queried = panelsOf(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

describe('the Grafana dashboard', () => {
  it('has panels with queries', () => {
    expect(dashboard.title).toBe('Sky Manager');
    expect(queried.length).toBeGreaterThan(10);
  });

  it('names only metrics the processes export', async () => {
    const exported = await exportedNames();
    const unknown = queried.flatMap(({ panel, expr }) => (expr.match(METRIC_NAME) ?? []).filter((name) => !exported.has(name)).map((name) => `${panel}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('shows every Sky Manager metric', async () => {
    const used = new Set(queried.flatMap(({ expr }) => expr.match(METRIC_NAME) ?? []).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    const ours = [...(await exportedNames())].filter((name) => name.startsWith('sky_') && !/_(bucket|sum|count)$/.test(name));
    expect(ours.filter((name) => !used.has(name))).toEqual([]);
  });
});
