/**
 * `npm run import -- FILE --tenant acme [--concurrency 8] [--errors report.csv] [--dry-run]`:
 * starts the journeys of a CSV of installments (columns in the README). Safe to re-run: rows
 * whose journey exists count as "already existing". Needs TEMPORAL_ADDRESS (not for --dry-run)
 * and DATABASE_URL (else the PGlite directory, which no other process may have open).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { CsvFileError, type ImportCounts, errorReportCsv, importInstallments } from '../application/csv-import';
import { createJourneyStarter, type JourneyStarter } from '../application/journey-starter';
import { databasePolicies } from '../application/policy-catalog';
import { TemporalJourneyGateway } from '../application/temporal-journey-gateway';
import { connectClient, temporalSettingsFromEnv, temporalUnreachable } from '../client';
import { findTenant } from '../db/access-repository';
import { openDatabaseFromEnv } from '../db/client';
import { externalIdSchema } from '../domain/installment';

const USAGE = 'usage: npm run import -- FILE --tenant TENANT [--concurrency 8] [--errors report.csv] [--dry-run]';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        concurrency: { type: 'string', default: '8' },
        errors: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n${USAGE}`);
  }
})();

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const file = positionals[0];
if (!file || positionals.length > 1) fail(USAGE);
const tenant = externalIdSchema.safeParse(values.tenant);
if (!tenant.success)
  fail(`--tenant: ${values.tenant === undefined ? 'required' : tenant.error.issues[0]?.message}\n${USAGE}`);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
  fail('--concurrency must be an integer from 1 to 256');
const dryRun = values['dry-run'];
const errorsPath = values.errors ?? `${file}.errors.csv`;

const csv = await readFile(file).catch((err: NodeJS.ErrnoException) =>
  fail(`cannot read ${file}: ${err.code ?? err.message}`),
);

/** A bar on a terminal; otherwise (CI, a pipe, a log file) a line every 10% or 5 seconds. */
function progressReporter() {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format:
          ' {bar} {percentage}% | {value}/{total} rows | started {started} · existing {existing} · invalid {invalid} · failed {failed} | ETA {eta_formatted}',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update(c: ImportCounts) {
        if (!begun) {
          bar.start(c.total, 0, c);
          begun = true;
        }
        bar.update(c.done, c);
      },
      stop: () => bar.stop(),
    };
  }
  let lastAt = 0;
  let lastTenth = -1;
  return {
    update(c: ImportCounts) {
      const tenth = c.total === 0 ? 10 : Math.floor((c.done / c.total) * 10);
      if (tenth === lastTenth && Date.now() - lastAt < 5_000 && c.done !== c.total) return;
      lastTenth = tenth;
      lastAt = Date.now();
      console.log(
        `progress ${c.done}/${c.total} rows (started ${c.started}, existing ${c.existing}, invalid ${c.invalid}, failed ${c.failed})`,
      );
    },
    stop: () => {},
  };
}

let starter: Pick<JourneyStarter, 'start'>;
let close = async () => {};
if (dryRun) {
  starter = { start: () => Promise.reject(new Error('dry run: nothing is started')) };
} else {
  const settings = temporalSettingsFromEnv();
  if (!settings)
    fail('Set TEMPORAL_ADDRESS (e.g. localhost:7233) to import, or pass --dry-run to only validate the file.');
  const database = await openDatabaseFromEnv();
  // A mistyped tenant would start real reminders under a tenant no key can see or stop.
  if (!(await findTenant(database.db, tenant.data))) {
    await database.close();
    fail(
      `--tenant ${tenant.data}: no such tenant (create it with npm run tenant:create -- --id ${tenant.data} --name "…")`,
    );
  }
  const { client, connection } = await connectClient(settings).catch(async (err: unknown) => {
    await database.close();
    return fail(temporalUnreachable(settings, err));
  });
  starter = createJourneyStarter({
    db: database.db,
    gateway: new TemporalJourneyGateway(client, settings.taskQueue),
    policies: databasePolicies(database.db),
  });
  close = async () => {
    await connection.close();
    await database.close();
  };
}

const progress = progressReporter();
let summary;
try {
  summary = await importInstallments({
    csv,
    tenantId: tenant.data,
    starter,
    concurrency,
    dryRun,
    onProgress: (c) => progress.update(c),
  });
} catch (err) {
  progress.stop();
  await close();
  if (err instanceof CsvFileError) fail(`${file}: ${err.message}`);
  throw err;
}
progress.stop();
await close();

if (summary.errors.length > 0) {
  await writeFile(errorsPath, errorReportCsv(summary.errors));
} else {
  // A report left by an earlier run would contradict "no errors".
  await rm(errorsPath, { force: true });
}
console.log(
  [
    '',
    `${file}: ${summary.total} rows for tenant ${tenant.data}${dryRun ? ' (dry run: nothing started)' : ''}`,
    dryRun ? `  valid             ${summary.valid}` : `  started           ${summary.started}`,
    ...(dryRun ? [] : [`  already existing  ${summary.existing}`]),
    `  invalid           ${summary.invalid}`,
    ...(dryRun ? [] : [`  failed            ${summary.failed}${summary.failed > 0 ? '  (re-run to retry them)' : ''}`]),
    summary.errors.length > 0 ? `  errors by row in ${errorsPath}` : '  no errors',
  ].join('\n'),
);
process.exit(summary.invalid + summary.failed > 0 ? 2 : 0);
