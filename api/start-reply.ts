import type { FastifyReply } from 'fastify';
import type { StartResult } from '../application/journey-starter';
import { problem, sendProblem } from './problem';

/** The answer to a start: 201 new, 200 existing, 422 naming policyId for an unknown policy. */
export function replyToStart(
  reply: FastifyReply,
  result: StartResult,
  installmentId: string,
  extra: Record<string, string> = {},
) {
  if (result.kind === 'unknown_policy') {
    return sendProblem(
      reply,
      problem(422, 'unknown-policy', 'Unknown policy', {
        errors: [{ in: 'body', path: 'policyId', message: `no policy "${result.policyId}" for this tenant` }],
      }),
    );
  }
  return reply.code(result.kind === 'started' ? 201 : 200).send({
    journeyId: result.journeyId,
    installmentId,
    ...extra,
    created: result.kind === 'started',
    statusUrl: `/v1/journeys/${encodeURIComponent(installmentId)}`,
  });
}
