import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { dueDateSchema } from '../../../domain/installment';
import {
  type JourneyCursor,
  type JourneyFilter,
  type JourneyRow,
  searchJourneys,
} from '../../../db/journey-repository';
import { type Delivery, JourneyServiceUnavailableError } from '../../../application/journey-gateway';
import { GATEWAY_CONCURRENCY } from '../../../application/concurrency';
import { findOpenJourneys, messageJourneys, tally, targetOf } from '../../../application/fan-out';
import { RETRYABLE_HEADER } from '../../plugins/idempotency';
import { type StartResult, createJourneyStarter } from '../../../application/journey-starter';
import { actorOf } from '../../plugins/auth';
import { problem, errorResponses, sendProblem } from '../../problem';
import {
  type bulkItemResult,
  bulkPauseBody,
  bulkResumeBody,
  bulkStartBody,
  bulkStartResult,
  bulkUpdateResult,
  type journeyFilterFields,
  journeyListQuery,
  journeyPage,
  startJourneyBody,
} from '../../schemas/journeys';
import type { RouteDeps } from '../../route-deps';

const tags = ['journeys'];

// ——— cursors and filters ———

export function encodeCursor(cursor: JourneyCursor): string {
  return Buffer.from(JSON.stringify({ d: cursor.dueDate, i: cursor.id })).toString('base64url');
}

export function decodeCursor(raw: string): JourneyCursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { d, i } = parsed as { d?: unknown; i?: unknown };
    // Checked as strictly as the database would: a malformed date or a NUL must not reach a query.
    if (
      typeof d !== 'string' ||
      !dueDateSchema.safeParse(d).success ||
      typeof i !== 'string' ||
      !/^[\x20-\x7E]{1,300}$/.test(i)
    )
      return null;
    return { dueDate: d, id: i };
  } catch {
    return null;
  }
}

const DAY_MS = 86_400_000;
const todayUtc = (now = Date.now()) => new Date(now).toISOString().slice(0, 10);
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

type FilterInput = { [K in keyof typeof journeyFilterFields]?: z.output<(typeof journeyFilterFields)[K]> };

/**
 * The repository filter of a request. Days overdue count from the due date to today (UTC) and
 * become due-date bounds (so the due-date index serves them): at least N days overdue = due on
 * or before today − N.
 */
export function toRepositoryFilter(input: FilterInput, today = todayUtc()): JourneyFilter {
  const filter: JourneyFilter = {};
  if (input.stage) filter.stages = input.stage;
  if (input.outcome) filter.outcomes = input.outcome;
  if (input.buyerId !== undefined) filter.buyerId = input.buyerId;
  if (input.productId !== undefined) filter.productId = input.productId;
  const later = (a: string | undefined, b: string | undefined) =>
    a === undefined ? b : b === undefined ? a : a > b ? a : b;
  const earlier = (a: string | undefined, b: string | undefined) =>
    a === undefined ? b : b === undefined ? a : a < b ? a : b;
  const dueFrom = later(
    input.dueFrom,
    input.daysOverdueMax !== undefined ? addDays(today, -input.daysOverdueMax) : undefined,
  );
  const dueTo = earlier(
    input.dueTo,
    input.daysOverdueMin !== undefined ? addDays(today, -input.daysOverdueMin) : undefined,
  );
  if (dueFrom !== undefined) filter.dueFrom = dueFrom;
  if (dueTo !== undefined) filter.dueTo = dueTo;
  return filter;
}

const badCursor = (reply: FastifyReply, where: 'query' | 'body') =>
  sendProblem(
    reply,
    problem(400, 'invalid-request', 'Invalid request', {
      detail: `The ${where} does not match the schema.`,
      errors: [{ in: where, path: 'cursor', message: 'is not a cursor returned by this API' }],
    }),
  );

const rangeError = (input: FilterInput): { path: string; message: string } | null => {
  if (
    input.daysOverdueMin !== undefined &&
    input.daysOverdueMax !== undefined &&
    input.daysOverdueMin > input.daysOverdueMax
  ) {
    return { path: 'daysOverdueMin', message: 'must not exceed daysOverdueMax' };
  }
  if (input.dueFrom !== undefined && input.dueTo !== undefined && input.dueFrom > input.dueTo)
    return { path: 'dueFrom', message: 'must not be after dueTo' };
  return null;
};

export function summaryOf(journey: JourneyRow, today = todayUtc()) {
  return {
    journeyId: journey.id,
    installmentId: journey.installmentId,
    stage: journey.status.stage,
    outcome: journey.status.outcome,
    dueDate: journey.dueDate,
    daysOverdue: daysBetween(journey.dueDate, today),
    currency: journey.currency,
    amountDueMinor: journey.amountDueMinor,
    amountPaidMinor: journey.amountPaidMinor,
    outstandingMinor: journey.status.outstandingMinor,
    nextActionAt: journey.nextActionAt ? journey.nextActionAt.toISOString() : null,
    buyerId: journey.buyerId,
    productId: journey.productId,
    purchaseId: journey.purchaseId,
    subscriptionId: journey.subscriptionId,
    policy: { id: journey.policyId, version: journey.policyVersion },
    statusUrl: `/v1/journeys/${encodeURIComponent(journey.installmentId)}`,
  };
}

type StartBody = z.output<typeof startJourneyBody>;

const routes: FastifyPluginAsyncZod<RouteDeps> = async (app, { db, gateway, policies, publisher }) => {
  const starter = createJourneyStarter({ db, gateway, policies, publisher });

  app.post(
    '/v1/journeys/bulk',
    {
      config: { permission: 'journeys:start' },
      schema: {
        operationId: 'startJourneys',
        tags,
        summary: 'Start up to 1,000 journeys; each item is validated and started on its own (partial success)',
        description:
          'Answers 200 when every item started (201) or already existed (200), 207 when at least one item failed (400 invalid, 422 unknown policy, 503 journey service unavailable — retry those items). Starting is idempotent per installment; send `Idempotency-Key` to replay the whole answer on a retry.',
        body: bulkStartBody,
        response: { 200: bulkStartResult, 207: bulkStartResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const tenantId = request.principal.tenantId;
      type ItemResult = z.infer<typeof bulkItemResult>;
      const results: ItemResult[] = new Array(request.body.items.length);
      // Items with the same installment run one after the other (the second finds the first's journey).
      const lanes = new Map<string, { index: number; body: StartBody }[]>();
      request.body.items.forEach((item, index) => {
        const parsed = startJourneyBody.safeParse(item);
        if (!parsed.success) {
          const id = (item as { installmentId?: unknown } | null)?.installmentId;
          results[index] = {
            index,
            installmentId: typeof id === 'string' && id.length <= 128 ? id : null,
            status: 400,
            errors: parsed.error.issues.map((issue) => ({
              in: 'body',
              path: ['items', index, ...issue.path].map(String).join('.'),
              message: issue.message,
            })),
          };
          return;
        }
        const lane = lanes.get(parsed.data.installmentId) ?? [];
        lane.push({ index, body: parsed.data });
        lanes.set(parsed.data.installmentId, lane);
      });
      const resultOf = (index: number, body: StartBody, settled: PromiseSettledResult<StartResult>): ItemResult => {
        if (settled.status === 'fulfilled') {
          const result = settled.value;
          if (result.kind === 'unknown_policy')
            return {
              index,
              installmentId: body.installmentId,
              status: 422,
              errors: [
                {
                  in: 'body',
                  path: `items.${index}.policyId`,
                  message: `no policy "${result.policyId}" for this tenant`,
                },
              ],
            };
          return {
            index,
            installmentId: body.installmentId,
            status: result.kind === 'started' ? 201 : 200,
            journeyId: result.journeyId,
          };
        }
        // One item's failure is that item's result: the others have been (or will be) started.
        const err = settled.reason as unknown;
        const unavailable = err instanceof JourneyServiceUnavailableError;
        request.log[unavailable ? 'warn' : 'error'](
          { err, installmentId: body.installmentId },
          'bulk start: an item failed',
        );
        return {
          index,
          installmentId: body.installmentId,
          status: unavailable ? 503 : 500,
          errors: [
            {
              path: `items.${index}`,
              message: unavailable
                ? 'the journey service was unavailable; retry this item'
                : 'this item failed on our side; retry it',
            },
          ],
        };
      };
      const actor = actorOf(request);
      // In rounds: the k-th item of every installment starts together (their claims share a
      // statement); a repeated installment's later item runs in a later round and finds its journey.
      const rounds = Math.max(0, ...[...lanes.values()].map((lane) => lane.length));
      for (let k = 0; k < rounds; k++) {
        const round = [...lanes.values()].flatMap((lane) => lane.slice(k, k + 1));
        const settled = await starter.startMany(
          round.map(({ body }) => ({ ...body, tenantId })),
          actor,
          GATEWAY_CONCURRENCY,
        );
        round.forEach(({ index, body }, i) => (results[index] = resultOf(index, body, settled[i]!)));
      }
      if (results.some((r) => r.status >= 500)) reply.header(RETRYABLE_HEADER, 'true');
      const count = (status: number) => results.filter((r) => r.status === status).length;
      const summary = {
        total: results.length,
        started: count(201),
        existing: count(200),
        failed: results.filter((r) => r.status >= 400).length,
      };
      return reply.code(summary.failed > 0 ? 207 : 200).send({ summary, results });
    },
  );

  app.get(
    '/v1/journeys',
    {
      config: { permission: 'journeys:read' },
      schema: {
        operationId: 'listJourneys',
        tags,
        summary: 'List and search journeys (from the database), ordered by due date, with cursor pagination',
        description:
          'Filters combine with AND. `stage` and `outcome` take comma-separated values. Days overdue count from the due date to today (UTC). Pass `nextCursor` back as `cursor` for the next page; the order (due date, journey ID) is stable.',
        querystring: journeyListQuery,
        response: { 200: journeyPage, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { limit, cursor, ...filterInput } = request.query;
      const invalid = rangeError(filterInput);
      if (invalid)
        return sendProblem(
          reply,
          problem(400, 'invalid-request', 'Invalid request', {
            detail: 'The query does not match the schema.',
            errors: [{ in: 'query', ...invalid }],
          }),
        );
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (after === null) return badCursor(reply, 'query');
      const today = todayUtc();
      const rows = await searchJourneys(db, request.principal.tenantId, toRepositoryFilter(filterInput, today), {
        limit: limit + 1,
        ...(after && { after }),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => summaryOf(row, today)),
        nextCursor: rows.length > limit && last ? encodeCursor({ dueDate: last.dueDate, id: last.id }) : null,
      };
    },
  );

  /**
   * Pause or resume, by filter: selects up to `limit` open journeys in (due date, id) order after
   * the cursor and messages each, at most GATEWAY_CONCURRENCY at once.
   */
  const byFilter = async (
    reply: FastifyReply,
    tenantId: string,
    body: { filter: FilterInput; limit: number; cursor?: string | undefined },
    eligibleStages: readonly string[],
    send: (ref: { tenantId: string; installmentId: string }) => Promise<Delivery>,
  ) => {
    const invalid = rangeError(body.filter);
    if (invalid)
      return sendProblem(
        reply,
        problem(400, 'invalid-request', 'Invalid request', {
          detail: 'The body does not match the schema.',
          errors: [{ in: 'body', ...invalid, path: `filter.${invalid.path}` }],
        }),
      );
    const after = body.cursor === undefined ? undefined : decodeCursor(body.cursor);
    if (after === null) return badCursor(reply, 'body');
    const filter = toRepositoryFilter(body.filter);
    const stages = filter.stages ? filter.stages.filter((s) => eligibleStages.includes(s)) : eligibleStages;
    const { journeys, next } =
      stages.length === 0
        ? { journeys: [], next: null }
        : await findOpenJourneys(db, tenantId, { ...filter, stages }, { limit: body.limit, after });
    const outcomes = await messageJourneys(journeys.map(targetOf), send, reply.log, 'by filter');
    const counts = tally(outcomes);
    if (counts.unavailable > 0) reply.header(RETRYABLE_HEADER, 'true');
    return reply.code(200).send({
      matched: journeys.length,
      applied: counts.applied,
      notRunning: counts.not_running,
      unavailable: counts.unavailable,
      installmentIds: outcomes.flatMap((o) => (o.result === 'applied' ? [o.installmentId] : [])),
      nextCursor: next ? encodeCursor(next) : null,
    });
  };

  app.post(
    '/v1/journeys/pause',
    {
      config: { permission: 'journeys:pause' },
      schema: {
        operationId: 'pauseJourneys',
        tags,
        summary:
          'Pause every open, unpaused journey that matches a filter (at most 1,000 per call; continue with the cursor)',
        body: bulkPauseBody,
        response: { 200: bulkUpdateResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { until, ...rest } = request.body;
      const actor = actorOf(request);
      return byFilter(reply, request.principal.tenantId, rest, ['pre_due', 'overdue'], (ref) =>
        gateway.pause(ref, { until: until ?? null, actor }),
      );
    },
  );

  app.post(
    '/v1/journeys/resume',
    {
      config: { permission: 'journeys:pause' },
      schema: {
        operationId: 'resumeJourneys',
        tags,
        summary: 'Resume every paused journey that matches a filter (at most 1,000 per call; continue with the cursor)',
        body: bulkResumeBody,
        response: { 200: bulkUpdateResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return byFilter(reply, request.principal.tenantId, request.body, ['paused'], (ref) =>
        gateway.resume(ref, { actor }),
      );
    },
  );
};

export default routes;
