/**
 * Where the panel's pages are, what each asks of the signed-in person (the routes declare these
 * rules and the seller scope enforces them with domain/permissions.ts `refusal`), and the links
 * a person may follow — the navigation offers only pages that would not refuse them.
 */
import type { Principal } from '../../application/key-stores';
import { type AccessRule, refusal } from '../../domain/permissions';
import type { Locale } from '../../domain/locales';
import { PANEL_COPY } from './copy';

export const PANEL_PATHS = {
  overview: '/app/overview',
  payments: '/app/payments',
  tasks: '/app/tasks',
  trackingCsv: '/app/exports/payments.csv',
  attributionCsv: '/app/exports/attribution.csv',
} as const;

export const PANEL_ACCESS = {
  /** The overview, tracking, details and the CSV exports. */
  reports: { permission: 'reports:read' },
  /** The open agent tasks. */
  tasks: { permission: 'conversations:read' },
} as const satisfies Record<string, AccessRule>;

export interface PanelNavigation {
  label: string;
  links: { href: string; label: string; current: boolean }[];
}

/** The panel's pages this person may open, in `locale`; `path` marks the current one. */
export function panelNavigation(
  { locale, principal }: { locale: Locale; principal: Pick<Principal, 'role' | 'permissions'> },
  path: string,
): PanelNavigation {
  const nav = PANEL_COPY[locale].nav;
  const pages = [
    { href: PANEL_PATHS.overview, label: nav.overview, rule: PANEL_ACCESS.reports },
    { href: PANEL_PATHS.payments, label: nav.payments, rule: PANEL_ACCESS.reports },
    { href: PANEL_PATHS.tasks, label: nav.tasks, rule: PANEL_ACCESS.tasks },
  ];
  return {
    label: nav.label,
    links: pages
      .filter((page) => refusal(principal, page.rule) === null)
      .map(({ href, label }) => ({ href, label, current: path === href || path.startsWith(`${href}/`) })),
  };
}
