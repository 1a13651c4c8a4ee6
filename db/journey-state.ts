/**
 * A journey's state in one value: its outcome once it has one, else its stage (pre_due, overdue,
 * paused) — a journey is closed exactly when it has an outcome (see stageAt). Lists index it
 * ahead of the due date, so that a stage, outcome or "open" filter reads a few ranges of an index
 * in list order instead of skipping through years of closed journeys.
 */
import { sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { OUTCOMES, STAGES } from '../domain/journey';

/** The state of a journey row, as the list indexes hold it. */
export const journeyState = (t: { outcome: PgColumn; stage: PgColumn }) => sql`coalesce(${t.outcome}, ${t.stage})`;

/** The stages a journey is in until it has an outcome; then its stage is `closed`. */
const OPEN_STAGES: readonly string[] = STAGES.filter((stage) => stage !== 'closed');

/** Every value journeyState takes. */
const JOURNEY_STATES: readonly string[] = [...OPEN_STAGES, ...OUTCOMES];

/** The states that stages, outcomes and openness admit together; null when none is asked for. */
export function statesOf(filter: {
  stages?: readonly string[] | undefined;
  outcomes?: readonly string[] | undefined;
  openOnly?: boolean | undefined;
}): string[] | null {
  const { stages, outcomes, openOnly } = filter;
  if (!stages?.length && !outcomes?.length && !openOnly) return null;
  return JOURNEY_STATES.filter((state) => {
    const open = OPEN_STAGES.includes(state);
    return (
      (!stages?.length || stages.includes(open ? state : 'closed')) &&
      (!outcomes?.length || (!open && outcomes.includes(state))) &&
      (!openOnly || open)
    );
  });
}
