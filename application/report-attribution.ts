/**
 * Attribution (which step and channel recovered each payment), the funnel, the recovery curve
 * and the daily recovered amounts, in the report's one currency where amounts are summed.
 */
import type { Database } from '../db/client';
import { type AttributionKey, attributionRowsSql, creditsByStepSql, funnelSql } from '../db/report-attribution';
import { periodTotalsSql } from '../db/report-overview';
import { dailyRecoveredSql, lateDaysSql } from '../db/report-recovery';
import { isoInstant } from '../domain/local-time';
import {
  DEFAULT_CURVE_DAYS,
  DEFAULT_PAID_WITHIN_DAYS,
  DEFAULT_WINDOW_DAYS,
  byStepThenChannel,
  curveOf,
  reportCurrency,
} from '../domain/reports';
import {
  type AttributionReport,
  type AttributionRow,
  type CurvePoint,
  type DailyRecovered,
  type ReportFilter,
} from './report-types';
import { BadReportCursor, decodeCursor, encodeCursor, isKeyText } from './report-cursor';
import { DEFAULT_PAGE_SIZE } from './report-tracking';

/** The currency asked for, else the one with the most expected in the period; null when nothing was. */
export async function resolveCurrency(db: Database, filter: ReportFilter, now: number): Promise<string | null> {
  if (filter.currency) return filter.currency;
  return reportCurrency(await periodTotalsSql(db, filter, now)).currency;
}

export async function attributionReport(
  db: Database,
  filter: ReportFilter & { windowDays?: number; paidWithinDays?: number },
  now: number,
): Promise<AttributionReport> {
  const windowDays = filter.windowDays ?? DEFAULT_WINDOW_DAYS;
  const paidWithinDays = filter.paidWithinDays ?? DEFAULT_PAID_WITHIN_DAYS;
  const currency = await resolveCurrency(db, filter, now);
  const [credits, funnel] = await Promise.all([
    currency === null ? [] : creditsByStepSql(db, { ...filter, currency, windowDays }, now),
    funnelSql(db, { ...filter, paidWithinDays }, now),
  ]);
  return {
    windowDays,
    paidWithinDays,
    byStep: [...credits].sort(byStepThenChannel),
    funnel: [...funnel].sort(byStepThenChannel),
  };
}

export async function attributionPage(
  db: Database,
  filter: ReportFilter & { windowDays?: number; cursor?: string; limit?: number },
  now: number,
): Promise<{ rows: AttributionRow[]; nextCursor: string | null }> {
  const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
  const after = filter.cursor === undefined ? undefined : decodeAttributionCursor(filter.cursor);
  const currency = await resolveCurrency(db, filter, now);
  if (currency === null) return { rows: [], nextCursor: null };
  const windowDays = filter.windowDays ?? DEFAULT_WINDOW_DAYS;
  const rows = await attributionRowsSql(db, { ...filter, currency, windowDays, limit: limit + 1, after }, now);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({
      installmentId: r.installmentId ?? '',
      journeyId: r.journeyId,
      paymentAt: isoInstant(r.paymentAtMs),
      recoveredMinor: r.recoveredMinor,
      currency: r.currency,
      step:
        r.stepIndex === null || r.channel === null || r.template === null || r.sentAtMs === null
          ? null
          : { stepIndex: r.stepIndex, channel: r.channel, template: r.template, sentAt: isoInstant(r.sentAtMs) },
    })),
    nextCursor: rows.length > limit && last ? encodeAttributionCursor(last) : null,
  };
}

export async function recoveryCurve(
  db: Database,
  filter: ReportFilter & { days?: number },
  now: number,
): Promise<CurvePoint[]> {
  return curveOf(await lateDaysSql(db, filter, now), filter.days ?? DEFAULT_CURVE_DAYS);
}

export async function dailyRecovered(db: Database, filter: ReportFilter, now: number): Promise<DailyRecovered[]> {
  const currency = await resolveCurrency(db, filter, now);
  return currency === null ? [] : dailyRecoveredSql(db, { ...filter, currency }, now);
}

function encodeAttributionCursor(key: AttributionKey): string {
  return encodeCursor([key.paymentAtMs, key.journeyId]);
}

function decodeAttributionCursor(raw: string): AttributionKey {
  const [paymentAtMs, journeyId] = decodeCursor(raw, 2);
  if (!Number.isSafeInteger(paymentAtMs) || !isKeyText(journeyId)) throw new BadReportCursor();
  return { paymentAtMs: paymentAtMs as number, journeyId };
}
