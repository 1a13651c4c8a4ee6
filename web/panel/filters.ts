/**
 * The panel's filters as a query string carries them (`?from=&to=&product=…`): read into what
 * `Reports` takes, or into the problems to show next to each field (the page then answers 400).
 * Pure: the route passes the query and today's date. Every link that keeps the filters (presets,
 * next page, CSV downloads) is written back by `filterQuery`, so one set of names serves all.
 */
import type { TrackingQuery } from '../../application/reports';
import { CHANNEL_NAMES } from '../../domain/channels';
import { ENTRY_STANDINGS } from '../../domain/ledger';
import { type LocalDate, addDays, isLocalDate } from '../../domain/local-time';
import { periodAsOf } from '../../domain/reports';

/** The query parameter of each filter, in the order the form shows them. */
export const FILTER_FIELDS = [
  'from',
  'to',
  'product',
  'country',
  'policy',
  'channel',
  'currency',
  'standing',
  'buyer',
  'cursor',
] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export const FILTER_PROBLEMS = [
  'invalid_date',
  'from_after_to',
  'period_too_long',
  'invalid_id',
  'invalid_country',
  'invalid_currency',
  'unknown_channel',
  'unknown_standing',
  'bad_cursor',
] as const;
export type FilterProblem = (typeof FILTER_PROBLEMS)[number];

/** The presets offered beside the dates (the default and the limit are domain/reports.ts `periodAsOf`'s). */
export const PERIOD_PRESETS = [7, 30, 90] as const;

/** What the query asks of the reports: a tracking query without the tenant (the session's) or page size. */
export type PanelFilters = Omit<TrackingQuery, 'tenantId' | 'limit'>;

export interface FieldProblem {
  field: FilterField;
  problem: FilterProblem;
}

export interface ReadFilters {
  /** What the person typed, to show again in the form (the defaults filled in). */
  values: Record<FilterField, string>;
  filters: PanelFilters;
  problems: FieldProblem[];
}

const ID = /^[\x21-\x7E]{1,200}$/;
const COUNTRY = /^[A-Za-z]{2}$/;
const CURRENCY = /^[A-Za-z]{3}$/;
/** Cursors are opaque to the page; anything beyond URL-safe text of a sane length is not one of ours. */
const CURSOR = /^[A-Za-z0-9_~.=-]{1,1024}$/;

export function readFilters(query: unknown, today: LocalDate): ReadFilters {
  const raw = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const values = Object.fromEntries(FILTER_FIELDS.map((f) => [f, text(raw[f])])) as Record<FilterField, string>;
  const refuse = (field: FilterField, problem: FilterProblem) => problems.push({ field, problem });

  const typed = (field: 'from' | 'to') => {
    const value = values[field];
    if (value === '') return undefined;
    if (isLocalDate(value)) return value;
    refuse(field, 'invalid_date');
    return undefined;
  };
  const asked = { from: typed('from'), to: typed('to') };
  // A date that cannot be read is left out, so the other still gets a default to show in the form.
  const period = periodAsOf(asked, today);
  if ('problem' in period) {
    if (problems.length === 0) refuse(period.field, period.problem);
  } else {
    values.from ||= period.from;
    values.to ||= period.to;
  }

  const optional = <T extends string>(field: FilterField, valid: (v: string) => v is T, problem: FilterProblem) => {
    const value = values[field];
    if (value === '') return undefined;
    if (valid(value)) return value;
    refuse(field, problem);
    return undefined;
  };
  const matching =
    (pattern: RegExp) =>
    (v: string): v is string =>
      pattern.test(v);
  const filters: PanelFilters = {
    from: values.from,
    to: values.to,
    productId: optional('product', matching(ID), 'invalid_id'),
    country: optional('country', matching(COUNTRY), 'invalid_country')?.toUpperCase(),
    policyId: optional('policy', matching(ID), 'invalid_id'),
    channel: optional('channel', isOneOf(CHANNEL_NAMES), 'unknown_channel'),
    currency: optional('currency', matching(CURRENCY), 'invalid_currency')?.toUpperCase(),
    standing: optional('standing', isOneOf(ENTRY_STANDINGS), 'unknown_standing'),
    buyerId: optional('buyer', matching(ID), 'invalid_id'),
    cursor: optional('cursor', matching(CURSOR), 'bad_cursor'),
  };
  return { values, filters, problems };
}

/** The query string of `values` with `changes` applied; empty values are left out. */
export function filterQuery(
  values: Partial<Record<FilterField, string>>,
  changes: Partial<Record<FilterField | 'lang', string | undefined>> = {},
): string {
  const params = new URLSearchParams();
  const merged: Partial<Record<FilterField | 'lang', string | undefined>> = { ...values, ...changes };
  for (const [name, value] of Object.entries(merged)) if (value) params.set(name, value);
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** The preset period ending today (`days` long, today included). */
export function presetPeriod(today: LocalDate, days: number): { from: LocalDate; to: LocalDate } {
  return { from: addDays(today, -(days - 1)), to: today };
}

/** Only a single string counts: a repeated parameter (an array) reads as garbage, never as its first value. */
function text(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value.trim() : '\u0000';
}

function isOneOf<T extends string>(options: readonly T[]) {
  return (value: string): value is T => (options as readonly string[]).includes(value);
}
