import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type InputProblem, inputShapeProblem } from '../../domain/text';
import { problem, sendProblem } from '../problem';

/** 400 naming where an input breaks the shape rules of domain/text.ts. */
export function inputProblemResponse(where: 'body' | 'query' | 'path', found: InputProblem) {
  return problem(400, 'invalid-request', 'Invalid request', {
    detail: `The ${where} is not acceptable input.`,
    errors: [{ in: where, path: found.path, message: found.message }],
  });
}

/**
 * Before any route sees its input: a parsed body, query or path that is nested too deep, too
 * large, or holds text that is not well-formed Unicode is refused with a 400 naming the field —
 * before validation, before an Idempotency-Key is hashed, before anything is written.
 */
export default fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request, reply) => {
      for (const [where, input] of [
        ['path', request.params],
        ['query', request.query],
        ['body', request.body],
      ] as const) {
        const found = inputShapeProblem(input);
        if (found) return sendProblem(reply, inputProblemResponse(where, found));
      }
    });
  },
  { name: 'input-guard' },
);
