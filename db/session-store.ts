/**
 * The seller app's sessions in PostgreSQL (`web_sessions`), as @fastify/session's store. The row's
 * id is a SHA-256 digest of the session id, so a copy of the table opens no session. A row lives
 * `idleMs` from its last save (the plugin saves on every answer: rolling); an expired row is never
 * read again and is swept now and then.
 */
import { createHash } from 'node:crypto';
import type { SessionStore } from '@fastify/session';
import { and, eq, gt, lte } from 'drizzle-orm';
import type { Database } from './client';
import { webSessions } from './schema';

export interface SessionStoreOptions {
  /** How long a session lives without a request. */
  idleMs: number;
  now: () => number;
  /** Sweep expired rows on about one save in this many (0: never). */
  sweepEvery?: number;
}

const digest = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');

export function postgresSessionStore(db: Database, options: SessionStoreOptions): SessionStore {
  const { idleMs, now, sweepEvery = 200 } = options;
  let saves = 0;
  const sweep = async () => {
    saves += 1;
    if (sweepEvery > 0 && saves % sweepEvery === 0) await deleteExpiredSessions(db, new Date(now()));
  };
  return {
    get(sessionId, callback) {
      db.select({ data: webSessions.data })
        .from(webSessions)
        .where(and(eq(webSessions.id, digest(sessionId)), gt(webSessions.expiresAt, new Date(now()))))
        .limit(1)
        .then(
          ([row]) => callback(null, (row?.data as never) ?? null),
          (err: unknown) => callback(err),
        );
    },
    set(sessionId, session, callback) {
      const data = JSON.parse(JSON.stringify(session)) as Record<string, unknown>;
      const userId = typeof data.userId === 'string' ? data.userId : '';
      const expiresAt = new Date(now() + idleMs);
      db.insert(webSessions)
        .values({ id: digest(sessionId), userId, data, expiresAt })
        .onConflictDoUpdate({ target: webSessions.id, set: { userId, data, expiresAt } })
        .then(sweep)
        .then(
          () => callback(),
          (err: unknown) => callback(err),
        );
    },
    destroy(sessionId, callback) {
      db.delete(webSessions)
        .where(eq(webSessions.id, digest(sessionId)))
        .then(
          () => callback(),
          (err: unknown) => callback(err),
        );
    },
  };
}

export async function deleteExpiredSessions(db: Database, now: Date): Promise<void> {
  await db.delete(webSessions).where(lte(webSessions.expiresAt, now));
}

/** How many session rows a user has, expired or not (tests: sign-out removes its row). */
export async function countSessionsOf(db: Database, userId: string): Promise<number> {
  const rows = await db.select({ id: webSessions.id }).from(webSessions).where(eq(webSessions.userId, userId));
  return rows.length;
}
