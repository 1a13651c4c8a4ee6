import { type AnyColumn, type SQL, and, eq, lt, or } from 'drizzle-orm';

/** Where a newest-first page ended: the last row's instant, and its id to break ties. */
export interface TimeCursor {
  at: Date;
  id: string;
}

/** The rows after `cursor` in a list ordered by (`at` desc, `id` desc): older, or as old with a smaller id. */
export function olderThan(at: AnyColumn, id: AnyColumn, cursor: TimeCursor): SQL {
  return or(lt(at, cursor.at), and(eq(at, cursor.at), lt(id, cursor.id)))!;
}
