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

/**
 * The error responses every authenticated route documents: bad input (400), no or an invalid key
 * (401), a permission the key lacks (403), not found (404), a conflict or an ended journey (409),
 * a rule refused (422), rate limited (429), Temporal unreachable (503). All problem+json.
 */
export const errorResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  422: problemSchema,
  429: problemSchema,
  503: problemSchema,
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
