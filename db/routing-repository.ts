import { and, asc, desc, eq, max, sql } from 'drizzle-orm';
import type { Experiment, ExperimentDraft, ExperimentState } from '../domain/experiments';
import { EMPTY_ROUTING, type RoutingDocument, type RoutingDraft } from '../domain/segments';
import { ensureTenant } from './access-repository';
import type { Database } from './client';
import { experiments, routingDocuments } from './schema';

/** Concurrent writers of a tenant's routing each retry this often before giving up. */
const MAX_VERSION_ATTEMPTS = 20;

/**
 * Runs `work` in a transaction that holds the tenant's policy-lab lock until it ends. Saving the
 * routing reads the running experiments, and starting an experiment reads the routing, before
 * each writes: taking turns, neither writes past the other's check.
 */
export function withPolicyLabLock<T>(db: Database, tenantId: string, work: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`policy-lab/${tenantId}`}, 0))`);
    return work(tx);
  });
}

/**
 * Stores the next version of the tenant's routing document (1 for the first). Like policy
 * versions: two writers never get the same version; the loser of a race takes the next one.
 */
export async function insertRoutingVersion(
  db: Database,
  tenantId: string,
  draft: RoutingDraft,
): Promise<RoutingDocument> {
  for (let attempt = 0; attempt < MAX_VERSION_ATTEMPTS; attempt++) {
    const saved = await db.transaction(async (tx) => {
      const [latest] = await tx
        .select({ version: max(routingDocuments.version) })
        .from(routingDocuments)
        .where(eq(routingDocuments.tenantId, tenantId));
      const version = (latest?.version ?? 0) + 1;
      await ensureTenant(tx, tenantId);
      const inserted = await tx
        .insert(routingDocuments)
        .values({ tenantId, version, document: draft })
        .onConflictDoNothing()
        .returning({ version: routingDocuments.version });
      return inserted.length > 0 ? { ...draft, version } : null;
    });
    if (saved) return saved;
  }
  throw new Error(`could not assign a new routing version after ${MAX_VERSION_ATTEMPTS} attempts`);
}

/** The latest routing document, or the given version; the empty one (version 0) when none is stored. */
export async function findRouting(db: Database, tenantId: string, version?: number): Promise<RoutingDocument | null> {
  const [row] = await db
    .select({ version: routingDocuments.version, document: routingDocuments.document })
    .from(routingDocuments)
    .where(
      and(
        eq(routingDocuments.tenantId, tenantId),
        ...(version === undefined ? [] : [eq(routingDocuments.version, version)]),
      ),
    )
    .orderBy(desc(routingDocuments.version))
    .limit(1);
  if (row) return { ...row.document, version: row.version };
  return version === undefined || version === EMPTY_ROUTING.version ? EMPTY_ROUTING : null;
}

type ExperimentRow = typeof experiments.$inferSelect;

function rowToExperiment(row: ExperimentRow): Experiment {
  return {
    ...row.document,
    state: row.state as ExperimentState,
    startedAt: row.startedAt?.toISOString() ?? null,
    stoppedAt: row.stoppedAt?.toISOString() ?? null,
  };
}

/** A new experiment in draft; null when the tenant already has one with this id. */
export async function insertExperiment(
  db: Database,
  tenantId: string,
  draft: ExperimentDraft,
): Promise<Experiment | null> {
  return db.transaction(async (tx) => {
    await ensureTenant(tx, tenantId);
    const [row] = await tx
      .insert(experiments)
      .values({ tenantId, id: draft.id, ruleId: draft.ruleId, document: draft })
      .onConflictDoNothing()
      .returning();
    return row ? rowToExperiment(row) : null;
  });
}

export async function findExperiment(db: Database, tenantId: string, id: string): Promise<Experiment | null> {
  const [row] = await db
    .select()
    .from(experiments)
    .where(and(eq(experiments.tenantId, tenantId), eq(experiments.id, id)))
    .limit(1);
  return row ? rowToExperiment(row) : null;
}

/** The tenant's experiments, by id (the API's list) or newest first (the seller app's). */
export async function listExperiments(
  db: Database,
  tenantId: string,
  order: 'id' | 'newest' = 'id',
): Promise<Experiment[]> {
  const rows = await db
    .select()
    .from(experiments)
    .where(eq(experiments.tenantId, tenantId))
    .orderBy(...(order === 'newest' ? [desc(experiments.createdAt), asc(experiments.id)] : [asc(experiments.id)]));
  return rows.map(rowToExperiment);
}

/** The tenant's running experiments, by the rule each belongs to. */
export async function runningExperiments(db: Database, tenantId: string): Promise<Map<string, ExperimentDraft>> {
  const rows = await db
    .select({ ruleId: experiments.ruleId, document: experiments.document })
    .from(experiments)
    .where(and(eq(experiments.tenantId, tenantId), eq(experiments.state, 'running')));
  return new Map(rows.map((r) => [r.ruleId, r.document]));
}

/**
 * Moves an experiment from `from` to `to` in one statement (a concurrent start or stop loses
 * cleanly). `rule_busy`: another experiment already runs on the same rule.
 */
export async function moveExperiment(
  db: Database,
  tenantId: string,
  id: string,
  from: ExperimentState,
  to: 'running' | 'stopped',
): Promise<Experiment | 'moved_meanwhile' | 'rule_busy'> {
  const stamp = to === 'running' ? { startedAt: sql`now()` } : { stoppedAt: sql`now()` };
  try {
    // A transaction of its own (a savepoint inside the caller's), so that a busy rule's unique
    // violation leaves the caller's transaction usable.
    const [row] = await db.transaction((tx) =>
      tx
        .update(experiments)
        .set({ state: to, ...stamp })
        .where(and(eq(experiments.tenantId, tenantId), eq(experiments.id, id), eq(experiments.state, from)))
        .returning(),
    );
    return row ? rowToExperiment(row) : 'moved_meanwhile';
  } catch (err) {
    if (isUniqueViolation(err)) return 'rule_busy';
    throw err;
  }
}

/** Postgres' unique_violation, however deep the driver wrapped it. */
function isUniqueViolation(err: unknown): boolean {
  for (let e = err; e !== null && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
