/**
 * The open human-agent tasks (handoffs and calls a ladder asks for): why, whose, since when, and a
 * link to the payment details of the task's journey. Never the buyer's words: a task holds none.
 */
import type { AgentTaskRow } from '../../db/conversation-repository';
import type { SellerPage } from '../seller/render';
import type { PanelWords } from './overview';
import { PANEL_PATHS } from './navigation';

export interface TaskLine {
  id: string;
  kind: string;
  reason: string;
  buyerId: string;
  openedAt: string;
  opened: string;
  holdUntil: string | null;
  payment: { href: string; label: string } | null;
}

export interface TasksPage extends SellerPage {
  heading: string;
  caption: string;
  empty: string;
  headers: { kind: string; reason: string; buyer: string; opened: string; holdUntil: string; journey: string };
  noPayment: string;
  /** Said instead of the list when the page link was not one of ours (400). */
  problem: string | null;
  lines: TaskLine[];
  nextPage: { href: string; label: string } | null;
}

export function presentTasks(
  tasks: { items: AgentTaskRow[]; nextCursor: string | null },
  /** The installment of each task's journey, by journey ID (tasks without a journey have none). */
  installmentOfJourney: ReadonlyMap<string, string>,
  { copy, format }: PanelWords,
  { lang, badCursor }: { lang: string | null; badCursor: boolean },
): TasksPage {
  const t = copy.tasks;
  return {
    title: t.title,
    heading: t.title,
    caption: t.caption,
    empty: t.empty,
    headers: {
      kind: t.kind,
      reason: t.reason,
      buyer: t.buyer,
      opened: t.opened,
      holdUntil: t.holdUntil,
      journey: t.journey,
    },
    noPayment: t.noPayment,
    problem: badCursor ? copy.problems.bad_cursor : null,
    lines: tasks.items.map((task) => {
      const installmentId = task.journeyId ? installmentOfJourney.get(task.journeyId) : undefined;
      return {
        id: task.id,
        kind: (t.kinds as Record<string, string>)[task.kind] ?? task.kind,
        reason: task.reason,
        buyerId: task.buyerId,
        openedAt: task.openedAt.toISOString(),
        opened: format.instant(task.openedAt.toISOString()),
        holdUntil: task.holdUntil ? format.instant(task.holdUntil.toISOString()) : null,
        payment: installmentId
          ? { href: `${PANEL_PATHS.payments}/${encodeURIComponent(installmentId)}`, label: t.openPayment }
          : null,
      };
    }),
    nextPage: tasks.nextCursor
      ? {
          href: `${PANEL_PATHS.tasks}?${new URLSearchParams({ cursor: tasks.nextCursor, ...(lang ? { lang } : {}) })}`,
          label: t.nextPage,
        }
      : null,
  };
}
