/**
 * Prints, after the run, which test tiers of DESIGN.md section 6 ran, and a closing line in the
 * plain `N passed, N failed, N skipped` form. Skipped tests say why where they are skipped.
 */
import type { Reporter, TestModule } from 'vitest/node';

const TIERS: { dir: string; label: string }[] = [
  { dir: 'domain', label: '1 domain (unit + property)' },
  { dir: 'replay', label: '2 workflow replay + bundle' },
  { dir: 'db', label: '3 database (PostgreSQL + PGlite)' },
  { dir: 'activities', label: '3 activities' },
  { dir: 'codec', label: '3 payload encryption + codec server' },
  { dir: 'telemetry', label: '3 metrics + traces' },
  { dir: 'api', label: '4 API (inject)' },
  { dir: 'contract', label: '4 API contract (Schemathesis)' },
  { dir: 'web', label: '4 web pages (inject + Chromium)' },
  { dir: 'import', label: '4 CSV import' },
  { dir: 'simulate', label: '4 what-if simulator (command)' },
  { dir: 'client', label: '4 API client package' },
  { dir: 'e2e/time-skipping', label: '5 end to end: time-skipping server' },
  { dir: 'e2e/dev-server', label: '5 end to end: dev server' },
  { dir: 'config', label: '- deployment config' },
];

export default class TierReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = new Map<string, { passed: number; failed: number; skipped: number }>();
    const total = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      // The end-to-end tier counts per server (test/e2e/<server>/), the others per folder.
      const dir = /(?:^|\/)test\/(e2e\/[^/]+|[^/]+)\//.exec(module.moduleId)?.[1] ?? 'other';
      const tier = counts.get(dir) ?? { passed: 0, failed: 0, skipped: 0 };
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        const key = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped';
        tier[key]++;
        total[key]++;
      }
      // A file that failed outside its tests (collection, beforeAll) counts as a failure even
      // when vitest marks its tests skipped.
      if (!module.ok() && ![...module.children.allTests()].some((t) => t.result().state === 'failed')) {
        tier.failed++;
        total.failed++;
      }
      counts.set(dir, tier);
    }
    const lines = TIERS.map(({ dir, label }) => {
      const c = counts.get(dir);
      if (!c) return `  ${label.padEnd(38)} no tests ran`;
      const ran = c.passed + c.failed;
      const verdict =
        ran === 0
          ? 'SKIPPED (reason printed above)'
          : `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`;
      return `  ${label.padEnd(38)} ${verdict}`;
    });
    console.log(`\nTest tiers:\n${lines.join('\n')}\n`);
    console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  }
}
