/**
 * The panel's query reading: what reaches the reports, and what a person is told to fix.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PERIOD_DAYS, periodAsOf } from '../../domain/reports';
import { filterQuery, readFilters } from '../../web/panel/filters';

const TODAY = '2026-03-15';

describe('panel filters', () => {
  it('defaults to the last 30 days up to today when no period is asked for', () => {
    const read = readFilters({}, TODAY);
    expect(read.problems).toEqual([]);
    expect(read.filters).toMatchObject({ from: '2026-02-14', to: '2026-03-15' });
    expect(read.filters.productId).toBeUndefined();
  });

  it('reads every filter, upper-casing country and currency codes', () => {
    const read = readFilters(
      {
        from: '2026-01-01',
        to: '2026-01-31',
        product: 'prod_1',
        country: 'br',
        policy: 'pol_1',
        channel: 'whatsapp',
        currency: 'brl',
        standing: 'overdue',
        buyer: 'buyer_9',
        cursor: 'abc_DEF-123=',
      },
      TODAY,
    );
    expect(read.problems).toEqual([]);
    expect(read.filters).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      productId: 'prod_1',
      country: 'BR',
      policyId: 'pol_1',
      channel: 'whatsapp',
      currency: 'BRL',
      standing: 'overdue',
      buyerId: 'buyer_9',
      cursor: 'abc_DEF-123=',
    });
  });

  it('ends a period that starts in the future where it starts, as the reports API does', () => {
    expect(readFilters({ from: '2026-04-01' }, TODAY)).toMatchObject({
      filters: { from: '2026-04-01', to: '2026-04-01' },
      problems: [],
    });
  });

  it('falls back to today for the default start when the end cannot be read', () => {
    expect(readFilters({ to: '2026-13-01' }, TODAY)).toMatchObject({
      values: { from: '2026-02-14' },
      problems: [{ field: 'to', problem: 'invalid_date' }],
    });
  });

  it('names the field of each problem and keeps what was typed', () => {
    const read = readFilters(
      { from: '2026-02-30', to: 'tomorrow', country: 'Brazil', channel: 'pigeon', standing: 'lost', cursor: '{"a":1}' },
      TODAY,
    );
    expect(read.problems).toEqual([
      { field: 'from', problem: 'invalid_date' },
      { field: 'to', problem: 'invalid_date' },
      { field: 'country', problem: 'invalid_country' },
      { field: 'channel', problem: 'unknown_channel' },
      { field: 'standing', problem: 'unknown_standing' },
      { field: 'cursor', problem: 'bad_cursor' },
    ]);
    expect(read.values).toMatchObject({ from: '2026-02-30', to: 'tomorrow', country: 'Brazil' });
  });

  it('refuses a period that ends before it starts, or longer than a year', () => {
    expect(readFilters({ from: '2026-03-10', to: '2026-03-01' }, TODAY).problems).toEqual([
      { field: 'to', problem: 'from_after_to' },
    ]);
    expect(readFilters({ from: '2025-01-01', to: '2026-01-02' }, TODAY).problems).toEqual([
      { field: 'to', problem: 'period_too_long' },
    ]);
    // A leap year's 366 days are one year.
    expect(MAX_PERIOD_DAYS).toBe(366);
    expect(readFilters({ from: '2024-01-01', to: '2024-12-31' }, TODAY).problems).toEqual([]);
  });

  it('refuses and defaults periods exactly as the reports API does', () => {
    const asked = [
      {},
      { from: '2025-01-01' },
      { to: '2026-01-02' },
      { from: '2025-01-01', to: '2026-01-02' },
      { from: '2026-03-10', to: '2026-03-01' },
      { from: '2026-04-01' },
    ] as const;
    for (const period of asked) {
      const read = readFilters(period, TODAY);
      const api = periodAsOf(period, TODAY);
      if ('problem' in api) expect(read.problems).toEqual([{ field: api.field, problem: api.problem }]);
      else expect(read.filters).toMatchObject(api);
    }
  });

  it('reads a repeated parameter as garbage, never as its first value', () => {
    expect(readFilters({ channel: ['email', 'sms'], product: ['a', 'b'] }, TODAY).problems).toEqual([
      { field: 'product', problem: 'invalid_id' },
      { field: 'channel', problem: 'unknown_channel' },
    ]);
  });

  it('writes the query back without empty values, applying changes', () => {
    expect(filterQuery({ from: '2026-01-01', to: '2026-01-31', product: '' }, { cursor: 'c1', lang: 'fr' })).toBe(
      '?from=2026-01-01&to=2026-01-31&cursor=c1&lang=fr',
    );
    expect(filterQuery({})).toBe('');
  });
});
