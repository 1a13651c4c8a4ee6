/**
 * The seller's numbers (issue 14): the reports' types (application/report-types.ts, where their
 * definitions are written out) and `createReports`, which reads them from the database
 * (db/report-*.ts) with the arithmetic of domain/reports.ts.
 */
import { expectedUpcomingSql, inRecoveryNowSql, periodTotalsSql } from '../db/report-overview';
import { catchUpReportLedger } from '../db/report-projection';
import { overviewOf } from '../domain/reports';
import { attributionPage, attributionReport, dailyRecovered, recoveryCurve } from './report-attribution';
import { attributionCsv, trackingCsv } from './report-csv';
import { paymentDetails } from './report-details';
import type { Reports, ReportsDeps } from './report-types';
import { trackingPage } from './report-tracking';

export type * from './report-types';
export { BadReportCursor } from './report-cursor';

export function createReports(deps: ReportsDeps): Reports {
  const { db, now } = deps;
  return {
    async overview(filter) {
      const at = now();
      await catchUpReportLedger(db, filter.tenantId);
      const [period, recoveryNow, upcoming] = await Promise.all([
        periodTotalsSql(db, filter, at),
        inRecoveryNowSql(db, filter, at),
        expectedUpcomingSql(db, filter, at),
      ]);
      return overviewOf({ period, recoveryNow, upcoming }, filter.currency);
    },
    tracking: (query) => trackingPage(db, query, now()),
    paymentDetails: (tenantId, ref) => paymentDetails(deps, tenantId, ref),
    attribution: (filter) => attributionReport(db, filter, now()),
    attributionRows: (filter) => attributionPage(db, filter, now()),
    recoveryCurve: (filter) => recoveryCurve(db, filter, now()),
    dailyRecovered: (filter) => dailyRecovered(db, filter, now()),
    trackingCsv: (query) => trackingCsv(db, query, now()),
    attributionCsv: (filter) => attributionCsv(db, filter, now()),
  };
}
