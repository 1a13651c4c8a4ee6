/**
 * `npm run simulate -- --policy FILE [--portfolio CSV | --tenant ID] [--assume FILE] [--pay P]
 * [--pay-step I=P,…] [--pay-channel C=P,…] [--seed N] [--start ISO] [--end ISO] [--json]`:
 * what a policy would do over a portfolio, in virtual time, sending nothing (application/simulation.ts).
 * A table on stdout (JSON with --json), a progress bar on stderr when it is a terminal. Exit
 * codes: 0 done, 1 bad input (a file, a tenant), 2 bad usage.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { z } from 'zod';
import { CsvFileError } from '../application/csv-import';
import {
  PortfolioTooLarge,
  type PortfolioSource,
  type SimulationEnvironment,
  portfolioFromCsv,
  runSimulation,
} from '../application/simulation';
import { findTenant } from '../db/access-repository';
import { type DatabaseHandle, openDatabaseFromEnv } from '../db/client';
import { externalIdSchema } from '../domain/installment';
import { policySchema } from '../domain/policy';
import { simulationAssumptionsSchema } from '../domain/simulation/assumptions';
import { simulationTable } from './simulation-table';

export const USAGE =
  'usage: npm run simulate -- --policy FILE (--portfolio CSV | --tenant ID) [--assume FILE] [--pay P] ' +
  '[--pay-step STEP=P,…] [--pay-channel CHANNEL=P,…] [--seed N] [--start ISO] [--end ISO] [--json]';

/** The most running journeys of a tenant one run takes (about 10 minutes on a 2-core machine). */
export const TENANT_PORTFOLIO_LIMIT = 1_000_000;

export interface CommandIo {
  stdout: (text: string) => void;
  /** Messages and the progress bar (drawn only when it is a terminal). */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  now: () => number;
  environment: SimulationEnvironment;
  openDatabase?: (env: NodeJS.ProcessEnv) => Promise<DatabaseHandle>;
}

/** A problem with what the user gave: its message names the flag or the file (and line, field). */
class InputError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

const usage = (message: string) => new InputError(`${message}\n${USAGE}`, 2);

function issues(source: string, error: z.ZodError): InputError {
  const lines = error.issues.map((i) => `${source}: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  return new InputError(lines.join('\n'), 1);
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${file}: ${err.code ?? err.message}`, 1);
  });
}

async function readJson(file: string): Promise<unknown> {
  const text = await readText(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError(`${file}: not JSON: ${(err as Error).message}`, 1);
  }
}

function instantFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw usage(`--${flag}: not an instant (e.g. 2027-01-04T12:00:00Z): ${value}`);
  return at;
}

/** `0=0.1,2=0.3` → { "0": 0.1, "2": 0.3 }; the schema judges keys and values. */
function pairsFlag(flag: string, value: string | undefined): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  return Object.fromEntries(
    value.split(',').map((pair) => {
      const [key, p, ...rest] = pair.split('=');
      if (!key || p === undefined || rest.length > 0) throw usage(`--${flag}: expected KEY=P pairs, got ${pair}`);
      return [key.trim(), Number(p)];
    }),
  );
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        policy: { type: 'string' },
        portfolio: { type: 'string' },
        tenant: { type: 'string' },
        assume: { type: 'string' },
        pay: { type: 'string' },
        'pay-step': { type: 'string' },
        'pay-channel': { type: 'string' },
        seed: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    throw usage((err as Error).message);
  }
}

type Flags = ReturnType<typeof parseFlags>;

/** The assumptions file, with the flags on top; an error names the flag when a flag set the field. */
async function assumptionsOf(flags: Flags) {
  const given = flags.assume === undefined ? {} : await readJson(flags.assume);
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new InputError(`${flags.assume}: must be a JSON object`, 1);
  const base = given as { payment?: Record<string, unknown>; seed?: unknown };
  const payment = { ...base.payment };
  if (flags.pay !== undefined) payment.afterEachStep = Number(flags.pay);
  const byStep = pairsFlag('pay-step', flags['pay-step']);
  if (byStep) payment.byStep = { ...(payment.byStep as object), ...byStep };
  const byChannel = pairsFlag('pay-channel', flags['pay-channel']);
  if (byChannel) payment.byChannel = { ...(payment.byChannel as object), ...byChannel };
  const merged = { ...base, payment, ...(flags.seed !== undefined && { seed: Number(flags.seed) }) };
  const parsed = simulationAssumptionsSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  /** The flag that set the field an issue is about; undefined when it came from the file. */
  const flagOf = (issue: z.core.$ZodIssue): string | undefined => {
    const [top, field, key = 'keys' in issue ? issue.keys[0] : undefined] = issue.path.length ? issue.path : [];
    if (top === 'seed' && flags.seed !== undefined) return '--seed';
    if (field === 'afterEachStep' && flags.pay !== undefined) return '--pay';
    if (field === 'byStep' && byStep && String(key) in byStep) return '--pay-step';
    if (field === 'byChannel' && byChannel && String(key) in byChannel) return '--pay-channel';
    return undefined;
  };
  const lines = parsed.error.issues.map((i) => {
    const flag = flagOf(i);
    return flag ? `${flag}: ${i.message}` : `${flags.assume}: ${i.path.join('.')}: ${i.message}`;
  });
  throw new InputError(lines.join('\n'), flagOf(parsed.error.issues[0]!) ? 2 : 1);
}

async function portfolioOf(flags: Flags, io: CommandIo, opened: DatabaseHandle[]): Promise<PortfolioSource> {
  if (flags.portfolio !== undefined) {
    const csv = await readText(flags.portfolio);
    try {
      const parsed = portfolioFromCsv(csv);
      if (parsed.installments) return { kind: 'installments', installments: parsed.installments };
      const lines = parsed.errors.map((e) => `${flags.portfolio} line ${e.row}, ${e.field}: ${e.message}`);
      throw new InputError(lines.join('\n'), 1);
    } catch (err) {
      if (err instanceof CsvFileError) throw new InputError(`${flags.portfolio}: ${err.message}`, 1);
      throw err;
    }
  }
  const tenant = externalIdSchema.safeParse(flags.tenant);
  if (!tenant.success) throw usage(`--tenant: ${tenant.error.issues[0]?.message}`);
  const database = await (io.openDatabase ?? openDatabaseFromEnv)(io.env);
  opened.push(database);
  if (!(await findTenant(database.db, tenant.data))) throw new InputError(`--tenant ${tenant.data}: no such tenant`, 1);
  return { kind: 'tenant', db: database.db, tenantId: tenant.data, limit: TENANT_PORTFOLIO_LIMIT };
}

/** A bar on a terminal; nothing otherwise (a pipe, a log file: the output is the report). */
function progressBar(stream: CommandIo['stderr']) {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream, format: ' {bar} {percentage}% | {value}/{total} journeys ended | ETA {eta_formatted}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let begun = false;
  return {
    update(done: number, total: number) {
      if (!begun) bar.start(total, 0);
      begun = true;
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

export async function simulateCommand(argv: string[], io: CommandIo): Promise<number> {
  const opened: DatabaseHandle[] = [];
  try {
    const flags = parseFlags(argv);
    if (flags.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (flags.policy === undefined) throw usage('--policy: required');
    if ((flags.portfolio === undefined) === (flags.tenant === undefined))
      throw usage('give one of --portfolio CSV or --tenant ID');
    const start = instantFlag('start', flags.start) ?? io.now();
    const end = instantFlag('end', flags.end);
    if (end !== undefined && end <= start) throw usage('--end: must come after --start');
    const policy = policySchema.safeParse(await readJson(flags.policy));
    if (!policy.success) throw issues(flags.policy, policy.error);
    const assumptions = await assumptionsOf(flags);
    const portfolio = await portfolioOf(flags, io, opened);
    const bar = progressBar(io.stderr);
    const answer = await runSimulation(io.environment, {
      policy: policy.data,
      portfolio,
      assumptions,
      start,
      end,
      onProgress: bar.update,
    }).finally(bar.stop);
    io.stdout(flags.json ? `${JSON.stringify(answer, null, 2)}\n` : simulationTable(answer));
    return 0;
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof PortfolioTooLarge) {
      io.stderr.write(`--tenant: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    for (const database of opened) await database.close();
  }
}
