/**
 * The queries of the example Grafana dashboard (docs/grafana-dashboard.json), and the series they
 * read, for the tests that check every one exists: ours in the registry, the Temporal SDK's in a
 * real worker's scrape.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DASHBOARD = fileURLToPath(new URL('../../docs/grafana-dashboard.json', import.meta.url));

export interface DashboardQuery {
  panel: string;
  expr: string;
}

export function dashboardQueries(): DashboardQuery[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
}

/** The series a query reads (`dunning_…`, `temporal_…`), as written (histograms with `_bucket`, `_count`). */
export function seriesIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:dunning|temporal)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
}

/** The labels a query groups by or selects on. */
export function labelsIn(expr: string): string[] {
  const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()));
  const selected = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
    m[1]!.split(',').map((matcher) => matcher.split(/[=!~]/)[0]!.trim()),
  );
  return [...grouped, ...selected].filter(Boolean);
}
