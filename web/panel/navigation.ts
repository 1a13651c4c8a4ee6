/**
 * Where the panel's pages are, what each asks of the signed-in person (the routes declare these
 * rules and the seller scope enforces them with domain/permissions.ts `refusal`); the layout's
 * navigation offers a page only to whom these rules would not refuse it.
 */
import type { AccessRule } from '../../domain/permissions';

export const PANEL_PATHS = {
  overview: '/app/overview',
  payments: '/app/payments',
  tasks: '/app/tasks',
  experiments: '/app/experiments',
  trackingCsv: '/app/exports/payments.csv',
  attributionCsv: '/app/exports/attribution.csv',
} as const;

export const PANEL_ACCESS = {
  /** The overview, tracking, details, the CSV exports and the experiments' results. */
  reports: { permission: 'reports:read' },
  /** The open agent tasks. */
  tasks: { permission: 'conversations:read' },
  /** Starting and stopping an experiment (its list and results are reports). */
  experimentChange: { permission: 'policies:write' },
} as const satisfies Record<string, AccessRule>;
