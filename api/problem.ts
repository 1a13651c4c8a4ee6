import type { FastifyReply } from 'fastify';
import { z } from 'zod';

/** RFC 9457 problem details; `errors` names each offending field by its dotted path. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ in: z.string().optional(), path: z.string(), message: z.string() })).optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

/** An error answer as the document shows it: problem+json, the content type every error is sent with. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: problemSchema } } };
}

/** The error responses every authenticated route documents. */
export const errorResponses = {
  400: problemResponse('Bad input: `errors` names each offending field'),
  401: problemResponse('No API key, or not a valid one'),
  403: problemResponse('The key lacks the permission this route needs'),
  404: problemResponse('Not found'),
  409: problemResponse('A conflict with the current state, or the journey has already ended'),
  422: problemResponse('A rule refused the request; `reason` says which'),
  429: problemResponse('Too many requests: retry after the `Retry-After` seconds'),
  503: problemResponse('Temporal or the database is unreachable: retry after the `Retry-After` seconds'),
} as const;

const TYPE_BASE = 'https://dunning.dev/problems/';

export function problem(status: number, slug: string, title: string, extra: Partial<Problem> = {}): Problem {
  return { type: `${TYPE_BASE}${slug}`, title, status, ...extra };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply
    .code(body.status)
    .type('application/problem+json')
    .send({ ...body, requestId: reply.request.id });
}

/** A list's `cursor` that no page of ours returned (a page cursor is ours alone to make). */
export function sendBadCursor(reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    problem(400, 'invalid-request', 'Invalid request', {
      detail: 'The cursor is not one this API returned.',
      errors: [{ in: 'query', path: 'cursor', message: 'must be a cursor returned by a previous page' }],
    }),
  );
}
