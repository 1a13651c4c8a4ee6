import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { JourneyServiceUnavailableError } from '../../application/journey-gateway';
import {
  CSV_COLUMNS,
  CsvFileError,
  type ImportCounts,
  errorReportCsv,
  importInstallments,
} from '../../application/csv-import';
import { createJourneyStarter, type StartResult } from '../../application/journey-starter';
import { databasePolicies } from '../../application/policy-catalog';
import type { Database } from '../../db/client';
import { findJourney } from '../../db/journey-repository';
import { insertFirstPolicyVersion } from '../../db/policy-repository';
import type { InstallmentInput } from '../../domain/installment';
import { defaultPolicy, type Policy } from '../../domain/policy';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';

const NOW = Date.UTC(2026, 11, 2, 12, 0);

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string>>;

function row(overrides: Row = {}): Row {
  const installmentId = overrides.installmentId ?? uniqueId('inst');
  return {
    installmentId,
    purchaseId: 'purchase-1',
    productId: 'course-ts',
    productName: 'TypeScript Mastery',
    buyerId: 'b-7',
    buyerName: 'Ana Souza',
    email: 'ana@example.com',
    phone: '+5511987654321',
    locale: 'pt-BR',
    timezone: 'America/Sao_Paulo',
    country: 'BR',
    amountMinor: '19990',
    currency: 'BRL',
    installmentNumber: '2',
    installmentCount: '6',
    dueDate: '2026-12-10',
    paymentUrl: `https://pay.example.com/i/${installmentId}`,
    ...overrides,
  };
}

/** A CSV with every column (quoted where needed), header first. */
function csvOf(rows: Row[], columns: readonly string[] = CSV_COLUMNS): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return (
    [columns.join(','), ...rows.map((r) => columns.map((c) => quote(r[c as keyof Row] ?? '')).join(','))].join('\n') +
    '\n'
  );
}

/** A starter that records what it was asked and never touches a database. */
function recordingStarter(
  answer: (i: InstallmentInput) => StartResult | Promise<StartResult> = (i) => ({
    kind: 'started',
    journeyId: `j/${i.installmentId}`,
  }),
) {
  const calls: InstallmentInput[] = [];
  return {
    calls,
    start: async (i: InstallmentInput) => {
      calls.push(i);
      return answer(i);
    },
  };
}

describe('CSV import: validation (no database)', () => {
  it('reports every bad row with its line number and the column at fault, and starts the good ones', async () => {
    const good = [row(), row()];
    const csv = csvOf([
      good[0]!,
      row({ email: 'not-an-email' }), // line 3
      row({ amountMinor: '12.50', dueDate: '2026-13-40' }), // line 4
      good[1]!,
      row({ installmentNumber: '7', installmentCount: '6' }), // line 6
      row({ buyerName: '', timezone: 'Mars/Olympus' }), // line 7
    ]);
    const starter = recordingStarter();
    const summary = await importInstallments({ csv, tenantId: 'acme', starter });

    expect(summary).toMatchObject({ total: 6, done: 6, valid: 2, started: 2, existing: 0, invalid: 4, failed: 0 });
    expect(starter.calls.map((c) => c.installmentId).sort()).toEqual(good.map((g) => g.installmentId).sort());
    expect(starter.calls.every((c) => c.tenantId === 'acme')).toBe(true);
    const problems = summary.errors.map((e) => `${e.row}:${e.field}`);
    expect(problems).toEqual([
      '3:email',
      '4:amountMinor',
      '4:dueDate',
      '6:installmentNumber',
      '7:buyerName',
      '7:timezone',
    ]);
    expect(summary.errors.every((e) => e.outcome === 'invalid' && e.message.length > 0)).toBe(true);
  });

  it('refuses rows whose text hides or spoofs (controls, bidi overrides, made-up currencies), naming the column', async () => {
    const csv = csvOf([
      row({ productName: 'Invoice \u202Efdp.exe' }), // line 2
      row({ buyerName: 'Ana\u0085Souza' }), // line 3
      row({ currency: 'ZZZ' }), // line 4
      row(), // line 5
    ]);
    const starter = recordingStarter();
    const summary = await importInstallments({ csv, tenantId: 'acme', starter });
    expect(summary).toMatchObject({ invalid: 3, started: 1 });
    expect(summary.errors.map((e) => `${e.row}:${e.field}`)).toEqual(['2:productName', '3:buyerName', '4:currency']);
  });

  it('maps every column into the installment', async () => {
    const r = row({ subscriptionId: 'sub-1', whatsapp: '+5511900000000', policyId: 'gentle' });
    const starter = recordingStarter();
    await importInstallments({ csv: csvOf([r]), tenantId: 'acme', starter });
    expect(starter.calls[0]).toEqual({
      tenantId: 'acme',
      installmentId: r.installmentId,
      purchaseId: 'purchase-1',
      subscriptionId: 'sub-1',
      product: { id: 'course-ts', name: 'TypeScript Mastery' },
      buyer: {
        id: 'b-7',
        name: 'Ana Souza',
        email: 'ana@example.com',
        phone: '+5511987654321',
        whatsapp: '+5511900000000',
        locale: 'pt-BR',
        timezone: 'America/Sao_Paulo',
        country: 'BR',
      },
      amount: { amountMinor: 19990, currency: 'BRL' },
      installmentNumber: 2,
      installmentCount: 6,
      dueDate: '2026-12-10',
      paymentUrl: r.paymentUrl,
      policyId: 'gentle',
      metadata: {},
    });
  });

  it('accepts only the required columns, in any order, with a BOM, CRLF and quoted fields', async () => {
    const columns = [
      'dueDate',
      'installmentId',
      'productId',
      'productName',
      'buyerId',
      'buyerName',
      'timezone',
      'amountMinor',
      'currency',
      'installmentNumber',
      'installmentCount',
      'paymentUrl',
    ];
    const r = row({ productName: 'Pottery, "advanced"' });
    const csv = `\uFEFF${csvOf([r], columns).replace(/\n/g, '\r\n')}`;
    const starter = recordingStarter();
    const summary = await importInstallments({ csv, tenantId: 'acme', starter });
    expect(summary).toMatchObject({ started: 1, invalid: 0 });
    expect(starter.calls[0]?.product.name).toBe('Pottery, "advanced"');
    expect(starter.calls[0]?.buyer.email).toBeUndefined();
  });

  it('reports a row with the wrong number of fields, and a later duplicate of an installment', async () => {
    const first = row();
    const csv = `${csvOf([first, row({ installmentId: first.installmentId! })])}only,three,fields\n`;
    const starter = recordingStarter();
    const summary = await importInstallments({ csv, tenantId: 'acme', starter });
    expect(summary.errors.map((e) => `${e.row}:${e.field}:${e.message}`)).toEqual([
      '3:installmentId:duplicates row 2',
      `4:(row):has 3 fields; the header has ${CSV_COLUMNS.length}`,
    ]);
    expect(starter.calls).toHaveLength(1);
  });

  it('refuses a file with unknown, missing or repeated columns before starting anything', async () => {
    const starter = recordingStarter();
    const attempt = (csv: string) => importInstallments({ csv, tenantId: 'acme', starter });
    await expect(attempt(csvOf([row()], [...CSV_COLUMNS, 'emial']))).rejects.toThrow(/unknown column\(s\): emial/);
    await expect(
      attempt(
        csvOf(
          [row()],
          CSV_COLUMNS.filter((c) => c !== 'dueDate'),
        ),
      ),
    ).rejects.toThrow(/missing required column\(s\): dueDate/);
    await expect(attempt(csvOf([row()], [...CSV_COLUMNS, 'email']))).rejects.toThrow(/named twice: email/);
    await expect(attempt('')).rejects.toBeInstanceOf(CsvFileError);
    await expect(attempt('installmentId\n"unterminated\n')).rejects.toBeInstanceOf(CsvFileError);
    expect(starter.calls).toHaveLength(0);
  });

  it('a dry run validates and starts nothing', async () => {
    const starter = recordingStarter();
    const progress: ImportCounts[] = [];
    const summary = await importInstallments({
      csv: csvOf([row(), row({ currency: 'XX' })]),
      tenantId: 'acme',
      starter,
      dryRun: true,
      onProgress: (c) => progress.push(c),
    });
    expect(summary).toMatchObject({ dryRun: true, valid: 1, invalid: 1, started: 0, total: 2, done: 2 });
    expect(summary.errors[0]).toMatchObject({ row: 3, field: 'currency' });
    expect(starter.calls).toHaveLength(0);
    expect(progress.at(-1)?.done).toBe(2);
  });

  it('retries a row while the journey service is unavailable, then reports it as failed', async () => {
    const flaky = row();
    const down = row();
    let flakyCalls = 0;
    const starter = recordingStarter((i) => {
      if (i.installmentId === down.installmentId) throw new JourneyServiceUnavailableError('Temporal is unreachable');
      if (i.installmentId === flaky.installmentId && ++flakyCalls === 1)
        throw new JourneyServiceUnavailableError('blip');
      if (i.installmentId === 'boom') throw new Error('unexpected\nstack');
      return { kind: 'started', journeyId: 'j' };
    });
    const summary = await importInstallments({
      csv: csvOf([flaky, down, row({ installmentId: 'boom' })]),
      tenantId: 'acme',
      starter,
      retries: 2,
      retryDelayMs: () => 1,
    });
    expect(summary).toMatchObject({ started: 1, failed: 2 });
    expect(starter.calls.filter((c) => c.installmentId === down.installmentId)).toHaveLength(3);
    expect(summary.errors.map((e) => [e.row, e.outcome, e.message])).toEqual([
      [3, 'failed', 'Temporal is unreachable'],
      [4, 'failed', 'unexpected'],
    ]);
  });

  it('writes an error report a spreadsheet can open safely', () => {
    const report = errorReportCsv([
      {
        row: 3,
        installmentId: '=HYPERLINK("x")',
        outcome: 'invalid',
        field: 'email',
        message: 'must be an email address, "really"',
      },
    ]);
    const [header, line] = parse(report) as string[][];
    expect(header).toEqual(['row', 'installmentId', 'outcome', 'field', 'message']);
    expect(line).toEqual(['3', `'=HYPERLINK("x")`, 'invalid', 'email', 'must be an email address, "really"']);
  });

  it('leaves no formula for a spreadsheet that splits on ; or trims blanks', () => {
    const report = errorReportCsv([
      { row: 4, installmentId: '  =1+1', outcome: 'invalid', field: 'a;=HYPERLINK("y")', message: '" @SUM(A1)' },
    ]);
    const [, line] = parse(report) as string[][];
    expect(line).toEqual(['4', "  '=1+1", 'invalid', `a;'=HYPERLINK("y")`, `" '@SUM(A1)`]);
    // Every cell quoted, so a `;` splitting spreadsheet never cuts one open.
    expect(report.split('\n')[1]).toMatch(/^"4","/);
  });

  it('refuses a concurrency below 1', async () => {
    await expect(
      importInstallments({ csv: csvOf([row()]), tenantId: 'acme', starter: recordingStarter(), concurrency: 0 }),
    ).rejects.toThrow(RangeError);
  });
});

/** The in-memory gateway, slowed down and counting how many starts are in flight at once. */
class InstrumentedGateway extends InMemoryJourneyGateway {
  inFlight = 0;
  maxInFlight = 0;
  starts = 0;
  override async start(installment: InstallmentInput, policy: Policy) {
    this.starts += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.floor(Math.random() * 5)));
      return await super.start(installment, policy);
    } finally {
      this.inFlight -= 1;
    }
  }
}

describeEachDatabase('CSV import: journeys', (getDb) => {
  const setup = (db: Database) => {
    const gateway = new InstrumentedGateway(db, () => NOW);
    const starter = createJourneyStarter({ db, gateway, policies: databasePolicies(db) });
    return { gateway, starter };
  };

  it('starts the good rows, reports the bad ones, and a re-run starts nothing new', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const good = Array.from({ length: 12 }, () => row());
    const csv = csvOf([
      ...good.slice(0, 6),
      row({ phone: '12345' }),
      ...good.slice(6),
      row({ policyId: 'no-such-policy' }),
    ]);
    const { gateway, starter } = setup(db);

    const first = await importInstallments({ csv, tenantId, starter, concurrency: 4 });
    expect(first).toMatchObject({ total: 14, started: 12, existing: 0, invalid: 2, failed: 0 });
    expect(first.errors.map((e) => `${e.row}:${e.field}`)).toEqual(['8:phone', '15:policyId']);
    for (const g of good) {
      const journey = await findJourney(db, tenantId, g.installmentId!);
      expect(journey?.status.policy).toEqual({ id: 'default', version: 1 });
    }
    expect(gateway.starts).toBe(12);

    // Re-run with a fresh gateway (a new process): the database knows every journey.
    const rerun = setup(db);
    const second = await importInstallments({ csv, tenantId, starter: rerun.starter, concurrency: 4 });
    expect(second).toMatchObject({ total: 14, started: 0, existing: 12, invalid: 2, failed: 0 });
    expect(rerun.gateway.starts).toBe(0);
  });

  it('never has more starts in flight than the concurrency allows', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    for (const concurrency of [1, 3, 8]) {
      const { gateway, starter } = setup(db);
      const progress: number[] = [];
      const summary = await importInstallments({
        csv: csvOf(Array.from({ length: 30 }, () => row())),
        tenantId,
        starter,
        concurrency,
        onProgress: (c) => progress.push(c.done),
      });
      expect(summary.started).toBe(30);
      expect(gateway.maxInFlight).toBeLessThanOrEqual(concurrency);
      // And it does run them side by side when allowed to.
      if (concurrency > 1) expect(gateway.maxInFlight).toBeGreaterThan(1);
      expect(progress).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    }
  });

  it('runs the policy each row names, or the tenant’s', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const { version: _version, ...rest } = defaultPolicy;
    await insertFirstPolicyVersion(db, tenantId, { ...rest, id: 'gentle', maxContactsPer7Days: 1 });
    const named = row({ policyId: 'gentle' });
    const plain = row();
    const { gateway, starter } = setup(db);
    const summary = await importInstallments({ csv: csvOf([named, plain]), tenantId, starter });
    expect(summary.started).toBe(2);
    expect((await findJourney(db, tenantId, named.installmentId!))?.status.policy).toEqual({
      id: 'gentle',
      version: 1,
    });
    expect((await findJourney(db, tenantId, plain.installmentId!))?.status.policy).toEqual({
      id: 'default',
      version: 1,
    });
    expect(
      [...gateway.journeys.values()].find((j) => j.installment.installmentId === named.installmentId)?.policy
        .maxContactsPer7Days,
    ).toBe(1);
  });
});
