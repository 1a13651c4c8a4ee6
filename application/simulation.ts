/**
 * The what-if simulator's use case, shared by `npm run simulate` and `POST /v1/simulations`:
 * which portfolio (given, a CSV file, or the tenant's running journeys) and which rules of the
 * deployment (the providers' rate limits, the public holiday calendar) the pure simulator
 * (domain/simulation/) runs with. Nothing is sent and nothing is written.
 */
import { setImmediate as turn } from 'node:timers/promises';
import type { Database } from '../db/client';
import { openInstallments } from '../db/open-installments';
import type { RateLimits } from '../domain/channels';
import type { PublicHolidayLookup } from '../domain/compliance';
import type { InstallmentInput } from '../domain/installment';
import type { Policy } from '../domain/policy';
import type { SimulationAssumptions } from '../domain/simulation/assumptions';
import { startSimulation } from '../domain/simulation/engine';
import type { SimulationReport } from '../domain/simulation/report';
import { CsvFileError, type RowError, parseInstallmentsCsv } from './csv-import';

/** What the deployment's worker would apply: its providers' limits and the public holiday calendar. */
export interface SimulationEnvironment {
  rateLimits: RateLimits;
  publicHolidays: PublicHolidayLookup;
}

/** No limits and no public holidays: for tests, and wherever the deployment's are not known. */
export const BARE_ENVIRONMENT: SimulationEnvironment = { rateLimits: {}, publicHolidays: () => [] };

/** Where the installments come from: given (a file, a request body), or the tenant's running journeys. */
export type PortfolioSource =
  | { kind: 'installments'; installments: readonly InstallmentInput[] }
  | { kind: 'tenant'; db: Database; tenantId: string; limit: number };

export interface SimulationRequest {
  policy: Policy;
  portfolio: PortfolioSource;
  assumptions: SimulationAssumptions;
  /** The instant the journeys start, as if started then. */
  start: number;
  end?: number | undefined;
  onProgress?: ((finished: number, total: number) => void) | undefined;
}

/** The tenant has more running journeys than one simulation takes. */
export class PortfolioTooLarge extends Error {
  override readonly name = 'PortfolioTooLarge';
  constructor(readonly limit: number) {
    super(`more than ${limit} running journeys: pass the installments to simulate instead`);
  }
}

export interface SimulationAnswer {
  report: SimulationReport;
  portfolio: { source: PortfolioSource['kind']; installments: number };
}

/**
 * Events run between two turns of the event loop (10–20 ms of work on our machines): a simulation of
 * thousands of installments takes seconds, and the API serves its other requests meanwhile.
 */
const EVENTS_PER_TURN = 500;

export async function runSimulation(
  environment: SimulationEnvironment,
  request: SimulationRequest,
): Promise<SimulationAnswer> {
  const { portfolio } = request;
  let installments: readonly InstallmentInput[];
  if (portfolio.kind === 'tenant') {
    const open = await openInstallments(portfolio.db, portfolio.tenantId, portfolio.limit);
    if (open.more) throw new PortfolioTooLarge(portfolio.limit);
    installments = open.installments;
  } else installments = portfolio.installments;
  const run = startSimulation({
    policy: request.policy,
    installments,
    start: request.start,
    end: request.end,
    assumptions: request.assumptions,
    publicHolidays: environment.publicHolidays,
    rateLimits: environment.rateLimits,
    onProgress: request.onProgress,
  });
  while (!run.advance(EVENTS_PER_TURN)) await turn();
  const { report } = run.result();
  return { report, portfolio: { source: portfolio.kind, installments: installments.length } };
}

/** Installments of a simulated portfolio belong to no tenant: their ids only need to be unique in the file. */
const PORTFOLIO_TENANT = 'simulation';

/**
 * A portfolio from a file in the CSV import's format (the same columns and rules). Every row must
 * be valid: a what-if over part of a file would answer a question nobody asked.
 */
export function portfolioFromCsv(
  csv: string | Buffer,
): { installments: InstallmentInput[]; errors: [] } | { installments: null; errors: Omit<RowError, 'outcome'>[] } {
  const rows = parseInstallmentsCsv(csv, PORTFOLIO_TENANT);
  const errors = rows.flatMap((r) => r.errors.map((e) => ({ row: r.row, installmentId: r.installmentId, ...e })));
  if (errors.length > 0) return { installments: null, errors };
  if (rows.length === 0) throw new CsvFileError('the file has a header but no installments');
  return { installments: rows.map((r) => r.installment!), errors: [] };
}
