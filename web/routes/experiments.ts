/**
 * The policy lab's experiments in the seller app (issue 15), registered by the seller scope, which
 * resolves `request.seller`, enforces each route's `config.permission` and checks every form's
 * `_csrf`:
 *
 *   GET  /app/experiments                  the account's experiments, newest first (reports:read)
 *   GET  /app/experiments/:id              one experiment's results per arm and verdicts (reports:read)
 *   POST /app/experiments/:id/start|stop   the API's start and stop (policies:write)
 *
 * The same use cases as `/v1/experiments` and `/v1/reports/experiments/:id`
 * (application/policy-lab.ts). An experiment the account does not have is a 404 page; a start or
 * stop the rules refuse is the results page with the reason and a 409.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { auditWrite } from '../../api/audit';
import {
  EXPERIMENT_MOVE_AUDIT,
  type MoveRefusal,
  changeExperimentState,
  experimentResults,
} from '../../application/policy-lab';
import { findExperiment, listExperiments } from '../../db/routing-repository';
import { experimentIdSchema } from '../../domain/experiments';
import { refusal } from '../../domain/permissions';
import { EXPERIMENT_NOTICES, type ExperimentNotice } from '../experiments/copy';
import {
  experimentPath,
  experimentWords,
  presentExperimentList,
  presentExperimentResults,
  withLang,
} from '../experiments/present';
import { PANEL_ACCESS, PANEL_PATHS } from '../panel/navigation';
import { keptLang } from './panel';
import type { SellerRouteDeps } from '../seller/context';
import { renderSellerPage } from '../seller/render';

const MOVES = [
  ['start', 'running', 'started'],
  ['stop', 'stopped', 'stopped'],
] as const satisfies readonly (readonly [string, 'running' | 'stopped', ExperimentNotice])[];

const experimentRoutes: FastifyPluginAsync<SellerRouteDeps> = async (app, { db }) => {
  app.get(PANEL_PATHS.experiments, { config: { ...PANEL_ACCESS.reports } }, async (request, reply) => {
    const experiments = await listExperiments(db, request.seller.principal.tenantId, 'newest');
    return renderSellerPage(
      reply,
      'experiments-list',
      presentExperimentList(experiments, wordsOf(request), keptLang(request)),
    );
  });

  app.get(`${PANEL_PATHS.experiments}/:experimentId`, { config: { ...PANEL_ACCESS.reports } }, (request, reply) =>
    results(request, reply, null, 200),
  );

  for (const [action, to, notice] of MOVES)
    app.post(
      `${PANEL_PATHS.experiments}/:experimentId/${action}`,
      { config: { ...PANEL_ACCESS.experimentChange } },
      async (request, reply) => {
        const id = experimentParam(request);
        if (id === null) return notFound(request, reply);
        const moved = await changeExperimentState(db, request.seller.principal.tenantId, id, to);
        if (moved.kind === 'not_found') return notFound(request, reply);
        if (moved.kind === 'refused') return results(request, reply, moved.reason, 409);
        await auditWrite(db, request, EXPERIMENT_MOVE_AUDIT[to], { experimentId: id });
        // Post/Redirect/Get: the results page says what happened.
        return reply.redirect(withLang(experimentPath(id), keptLang(request), { notice }), 303);
      },
    );

  async function results(request: FastifyRequest, reply: FastifyReply, alert: MoveRefusal | null, status: number) {
    const id = experimentParam(request);
    if (id === null) return notFound(request, reply);
    const { principal } = request.seller;
    const [experiment, report] = await Promise.all([
      findExperiment(db, principal.tenantId, id),
      experimentResults(db, principal.tenantId, id),
    ]);
    if (!experiment || !report) return notFound(request, reply);
    const page = presentExperimentResults(experiment, report, wordsOf(request), {
      canChange: refusal(principal, PANEL_ACCESS.experimentChange) === null,
      lang: keptLang(request),
      notice: alert ? null : noticeOf(request),
      alert,
    });
    return renderSellerPage(reply, 'experiments-results', page, status);
  }
};

export default experimentRoutes;

const wordsOf = (request: FastifyRequest) => experimentWords(request.seller.locale);

/** The experiment id from the path, or null when it cannot be one (a 404, never a query). */
function experimentParam(request: FastifyRequest): string | null {
  const id = experimentIdSchema.safeParse((request.params as Record<string, unknown>).experimentId);
  return id.success ? id.data : null;
}

function noticeOf(request: FastifyRequest): ExperimentNotice | null {
  const notice = (request.query as Record<string, unknown> | undefined)?.notice;
  return EXPERIMENT_NOTICES.find((n) => n === notice) ?? null;
}

function notFound(request: FastifyRequest, reply: FastifyReply) {
  const { notFound: words } = wordsOf(request).copy;
  return renderSellerPage(
    reply,
    'panel-not-found',
    { ...words, back: { href: withLang(PANEL_PATHS.experiments, keptLang(request)), label: words.back } },
    404,
  );
}
