/**
 * The example Grafana dashboard reads only series we define, by labels they have: a renamed metric
 * or label fails here rather than as an empty panel. (The Temporal SDK's series it reads are checked
 * against a real worker's scrape in test/e2e/dev-server/telemetry.e2e.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../telemetry/metrics';
import { dashboardQueries, labelsIn, seriesIn } from '../support/dashboard';

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

describe('docs/grafana-dashboard.json', async () => {
  const metrics = createMetrics();
  const defined = new Map(
    (await metrics.registry.getMetricsAsJSON()).map((m) => {
      // prom-client keeps a metric's label names on the metric, not in its JSON.
      const { labelNames = [] } = metrics.registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] };
      return [m.name, { type: String(m.type), labels: new Set([...labelNames, 'le']) }];
    }),
  );
  const queries = dashboardQueries();

  it('has a panel for each of our metrics, and for the Temporal SDK’s workers', () => {
    const read = new Set(queries.flatMap((q) => seriesIn(q.expr)).map((s) => s.replace(HISTOGRAM_SERIES, '')));
    for (const name of [...defined.keys()].filter((n) => n.startsWith('dunning_'))) expect(read).toContain(name);
    expect([...read].some((name) => name.startsWith('temporal_'))).toBe(true);
  });

  it.each(queries.map((q) => [q.panel, q.expr]))('“%s” reads series we define, by their labels', (_panel, expr) => {
    const ours = seriesIn(expr).filter((s) => s.startsWith('dunning_'));
    for (const series of ours) {
      const metric = defined.get(series) ?? defined.get(series.replace(HISTOGRAM_SERIES, ''));
      expect(metric, `${series} is not in the registry`).toBeDefined();
      if (HISTOGRAM_SERIES.test(series) && !defined.has(series)) expect(metric!.type).toBe('histogram');
      for (const label of labelsIn(expr))
        expect([...metric!.labels], `${series} has no label ${label}`).toContain(label);
    }
  });
});
