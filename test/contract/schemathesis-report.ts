/**
 * What a Schemathesis run tried and found, read from its reports: the JSON run report for the
 * totals, the NDJSON event stream for every check's verdict on every case.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ContractFailure {
  operation: string;
  check: string;
  code: string;
  title: string;
  message: string;
}

export interface ContractReport {
  version: string;
  seconds: number;
  operations: { selected: number; tested: number };
  casesGenerated: number;
  /** Per check: how many cases it passed and failed. */
  checks: Map<string, { passed: number; failed: number }>;
  /** Distinct failures (operation, code, message). */
  failures: ContractFailure[];
  /** Runs that broke rather than failed a check (a schema it could not read, a network error). */
  errors: string[];
}

interface RunReport {
  schemathesis_version: string;
  running_time: number;
  operations: { selected: number; tested: number };
  test_cases: { generated: number };
  errors: unknown[];
}

interface CheckResult {
  name: string;
  status: string;
  failure_info?: { failure: { operation: string; code: string; title: string; message: string } };
}

async function reportFile(dir: string, extension: string): Promise<string> {
  const name = (await readdir(dir)).find((file) => file.endsWith(extension));
  if (!name) throw new Error(`Schemathesis wrote no ${extension} report into ${dir}`);
  return join(dir, name);
}

export async function readContractReport(dir: string): Promise<ContractReport> {
  const run = JSON.parse(await readFile(await reportFile(dir, '.json'), 'utf8')) as RunReport;
  const checks = new Map<string, { passed: number; failed: number }>();
  const failures = new Map<string, ContractFailure>();
  const events = (await readFile(await reportFile(dir, '.ndjson'), 'utf8')).split('\n').filter(Boolean);
  for (const line of events) {
    const event = JSON.parse(line) as { ScenarioFinished?: { recorder: { checks?: Record<string, CheckResult[]> } } };
    for (const results of Object.values(event.ScenarioFinished?.recorder.checks ?? {})) {
      for (const { name, status, failure_info } of results) {
        const tally = checks.get(name) ?? { passed: 0, failed: 0 };
        if (status === 'success') tally.passed++;
        else tally.failed++;
        checks.set(name, tally);
        if (!failure_info) continue;
        const { operation, code, title, message } = failure_info.failure;
        failures.set(`${operation} ${code} ${message}`, { operation, check: name, code, title, message });
      }
    }
  }
  return {
    version: run.schemathesis_version,
    seconds: run.running_time,
    operations: { selected: run.operations.selected, tested: run.operations.tested },
    casesGenerated: run.test_cases.generated,
    checks,
    failures: [...failures.values()],
    errors: run.errors.map((error) => JSON.stringify(error)),
  };
}

export function describeReport(report: ContractReport): string {
  const checks = [...report.checks]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { passed, failed }]) => `    ${name.padEnd(30)} ${passed} passed, ${failed} failed`);
  return [
    `Schemathesis ${report.version}: ${report.operations.tested} of ${report.operations.selected} operations, ` +
      `${report.casesGenerated} cases generated, in ${report.seconds.toFixed(1)} s`,
    ...checks,
    `  ${report.failures.length} distinct failures, ${report.errors.length} errors`,
  ].join('\n');
}
