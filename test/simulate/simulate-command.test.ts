/**
 * `npm run simulate` through its main function: a small CSV portfolio and a policy file give the
 * report (table and JSON); bad input is refused with the file, line and field, and an exit code;
 * `--tenant` reads the tenant's running journeys from the database.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../application/csv-import';
import type { SimulationAnswer } from '../../application/simulation';
import { recordJourney } from '../../db/journey-repository';
import { defaultPolicy } from '../../domain/policy';
import { type CommandIo, simulateCommand } from '../../scripts/simulate-command';
import { simulateJourney } from '../db/journey-sim';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment, uniqueId } from '../support/fixtures';

const START = '2027-03-01T12:00:00Z';

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string>>;

const row = (installmentId: string, buyerId: string, overrides: Row = {}): Row => ({
  installmentId,
  productId: 'course-1',
  productName: 'Guitar course',
  buyerId,
  buyerName: 'Ana Souza',
  email: 'ana@example.com',
  phone: '+5511987654321',
  timezone: 'America/Sao_Paulo',
  country: 'BR',
  amountMinor: '10000',
  currency: 'BRL',
  installmentNumber: '1',
  installmentCount: '3',
  dueDate: '2027-03-11',
  paymentUrl: `https://pay.example.com/i/${installmentId}`,
  ...overrides,
});

const csvOf = (rows: Row[]) => {
  const columns = CSV_COLUMNS.filter((c) => rows.some((r) => r[c] !== undefined));
  return [columns.join(','), ...rows.map((r) => columns.map((c) => r[c] ?? '').join(','))].join('\n') + '\n';
};

let dir: string;
const file = async (name: string, content: string) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};

async function run(argv: string[], io: Partial<CommandIo> = {}) {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  let out = '';
  const code = await simulateCommand(argv, {
    stdout: (text) => (out += text),
    stderr,
    env: {},
    now: () => Date.parse(START),
    // São Paulo observes a holiday on Friday 2027-03-12 in this test's calendar.
    environment: {
      rateLimits: { email: 2, sms: 1 },
      publicHolidays: (country) => (country === 'BR' ? ['2027-03-12'] : []),
    },
    ...io,
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'simulate-'));
});

describe('npm run simulate', () => {
  it('prints what the policy would do over a CSV portfolio, and the same as JSON', async () => {
    const policy = await file('policy.json', JSON.stringify(defaultPolicy));
    const portfolio = await file(
      'portfolio.csv',
      csvOf([
        row('i1', 'b1'),
        row('i2', 'b1'),
        row('i3', 'b2', { email: '', phone: '', timezone: 'America/New_York', country: 'US' }),
      ]),
    );
    const table = await run(['--policy', policy, '--portfolio', portfolio]);
    expect(table.code).toBe(0);
    expect(table.out).toContain('Policy default v1 over 3 installments (as given)');
    // b2 has no address at all: every step of theirs is skipped, and the ladder still ends.
    expect(table.out).toMatch(/reached the final action \(write_off\)\s+3\s+100\.0 %/);
    expect(table.out).toMatch(/^ {2}email +\d+ +2 +2027-03-08T13:00:00\.000Z +2 +0 +0 s$/m);

    const json = await run(['--policy', policy, '--portfolio', portfolio, '--json', '--pay-step', '0=1']);
    expect(json.code).toBe(0);
    const { report, portfolio: source } = JSON.parse(json.out) as SimulationAnswer;
    expect(source).toEqual({ source: 'installments', installments: 3 });
    expect(report.journeys).toMatchObject({
      total: 3,
      paid: 2,
      reachedFinalAction: 1,
      paidAfterStep: [{ stepIndex: 0, journeys: 2 }],
    });
    expect(report.messages.total).toBe(2);
    expect(report.contactsPerBuyer).toMatchObject({ count: 2, max: 2 });
    expect(report.providerQueues).toEqual([
      expect.objectContaining({ queue: 'email', sends: 2, limitPerSecond: 2, peakPerSecond: 2 }),
    ]);
    expect(json.err).toBe('');
  });

  it('reads assumptions from a file, the flags on top', async () => {
    const policy = await file('policy.json', JSON.stringify(defaultPolicy));
    const portfolio = await file('one.csv', csvOf([row('i1', 'b1')]));
    const assume = await file('assume.json', JSON.stringify({ payment: { afterEachStep: 1 }, seed: 3 }));
    const fileOnly = await run(['--policy', policy, '--portfolio', portfolio, '--assume', assume, '--json']);
    expect((JSON.parse(fileOnly.out) as SimulationAnswer).report.journeys.paid).toBe(1);
    const overridden = await run([
      '--policy',
      policy,
      '--portfolio',
      portfolio,
      '--assume',
      assume,
      '--pay',
      '0',
      '--json',
    ]);
    const { report } = JSON.parse(overridden.out) as SimulationAnswer;
    expect(report.journeys.paid).toBe(0);
    expect(report.assumptions).toMatchObject({ seed: 3, payment: { afterEachStep: 0 } });
  });

  it('names the file, line and field of a bad row, and exits 1', async () => {
    const policy = await file('policy.json', JSON.stringify(defaultPolicy));
    const portfolio = await file('bad.csv', csvOf([row('i1', 'b1'), row('i2', 'b1', { email: 'not-an-email' })]));
    const { code, out, err } = await run(['--policy', policy, '--portfolio', portfolio]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(`${portfolio} line 3, email:`);
  });

  it('names the field of a bad policy document, and exits 1', async () => {
    const policy = await file(
      'night.json',
      JSON.stringify({ ...defaultPolicy, steps: [{ ...defaultPolicy.steps[0]!, sendAt: '23:00' }] }),
    );
    const portfolio = await file('one.csv', csvOf([row('i1', 'b1')]));
    const { code, err } = await run(['--policy', policy, '--portfolio', portfolio]);
    expect(code).toBe(1);
    expect(err).toContain(`${policy}: steps.0.sendAt: must be outside quiet hours`);
    const notJson = await run(['--policy', portfolio, '--portfolio', portfolio]);
    expect(notJson).toMatchObject({ code: 1, err: expect.stringContaining(`${portfolio}: not JSON`) });
  });

  it('refuses bad usage with exit code 2, naming the flag', async () => {
    const policy = await file('policy.json', JSON.stringify(defaultPolicy));
    const portfolio = await file('one.csv', csvOf([row('i1', 'b1')]));
    expect(await run(['--portfolio', portfolio])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--policy: required'),
    });
    expect(await run(['--policy', policy, '--portfolio', portfolio, '--tenant', 'acme'])).toMatchObject({ code: 2 });
    expect(await run(['--policy', policy, '--portfolio', portfolio, '--pay', '1.5'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--pay:'),
    });
    expect(await run(['--policy', policy, '--portfolio', portfolio, '--pay-channel', 'fax=0.1'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--pay-channel:'),
    });
    expect(await run(['--policy', policy, '--portfolio', portfolio, '--start', 'soon'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--start: not an instant'),
    });
  });
});

describeEachDatabase('npm run simulate --tenant', (getDb) => {
  it('runs the policy over the tenant’s running journeys, not its closed ones', async () => {
    const db = getDb();
    const tenantId = uniqueId('tenant');
    const T0 = Date.parse(START);
    for (let i = 0; i < 3; i++) {
      const sim = simulateJourney(makeInstallment({ tenantId, dueDate: '2027-03-11', buyer: { id: `b${i}` } }), T0);
      if (i === 2) sim.apply({ type: 'canceled', at: T0 + 1, reason: 'refund' });
      await recordJourney(db, sim.flush());
    }
    const policy = await file('policy.json', JSON.stringify(defaultPolicy));
    const openDatabase = async () => ({ db, kind: 'pglite' as const, migrate: async () => {}, close: async () => {} });
    const { code, out } = await run(['--policy', policy, '--tenant', tenantId, '--json'], { openDatabase });
    expect(code).toBe(0);
    const { report, portfolio } = JSON.parse(out) as SimulationAnswer;
    expect(portfolio).toEqual({ source: 'tenant', installments: 2 });
    expect(report.contactsPerBuyer.count).toBe(2);
    const unknown = await run(['--policy', policy, '--tenant', uniqueId('nobody')], { openDatabase });
    expect(unknown).toMatchObject({ code: 1, err: expect.stringContaining('no such tenant') });
  });
});
