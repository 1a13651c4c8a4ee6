/**
 * The evaluation set and its runner. Through the OpenAI engine against a fake model scripted per
 * case (each case's expected tool is what the script calls): proves the plumbing end to end, the
 * runner must score every case. Through the menu: the deterministic intents must all be right.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEvaluationReport, meetsExpectation, runEvaluation } from '../../activities/assistant/evaluation';
import { createOpenAiEngine } from '../../activities/assistant/openai-engine';
import { EVALUATION_CASES, EVALUATION_INTENTS, type EvaluationCase } from '../../domain/assistant/evaluation-set';
import { asksForHuman } from '../../domain/assistant/intents';
import { menuEngine } from '../../domain/assistant/menu';
import { classifyInbound } from '../../domain/keywords';
import { SUPPORTED_LOCALES } from '../../domain/locales';
import { type ModelStep, type ResponsesRequestBody, startFakeOpenAiServer } from '../support/fake-openai-server';

/** What a well-behaved model does for a case: look up, then the expected tool, then a plain answer. */
function scriptFor(c: EvaluationCase): ModelStep[] {
  const answer = { text: 'Certo, estou aqui para ajudar.' };
  const lookup = { calls: [{ name: 'open_installments', arguments: {} }] };
  switch (c.expect) {
    case 'open_installments':
      return [lookup, answer];
    case 'payment_link':
      return [lookup, { calls: [{ name: 'payment_link', arguments: { installmentId: 'inst-2' } }] }, answer];
    case 'request_new_due_date':
      return [
        lookup,
        { calls: [{ name: 'request_new_due_date', arguments: { installmentId: 'inst-2', dueDate: c.dueDate } }] },
        answer,
      ];
    case 'partial_payment':
      return [
        lookup,
        { calls: [{ name: 'partial_payment', arguments: { installmentId: 'inst-2', amount: c.amount } }] },
        answer,
      ];
    case 'promise_to_pay': {
      const promise = { installmentId: 'inst-2', date: c.promiseDate, amount: c.amount ?? null };
      return [lookup, { calls: [{ name: 'promise_to_pay', arguments: promise }] }, answer];
    }
    case 'handoff_to_human':
      return [
        {
          calls: [
            { name: 'handoff_to_human', arguments: { reason: c.intent === 'angry' ? 'dispute' : 'buyer_asked' } },
          ],
        },
        answer,
      ];
    default:
      return [answer];
  }
}

describe('the evaluation set', () => {
  it('has at least 60 cases covering every intent in every language', () => {
    expect(EVALUATION_CASES.length).toBeGreaterThanOrEqual(60);
    for (const intent of EVALUATION_INTENTS) {
      for (const locale of SUPPORTED_LOCALES) {
        expect(
          EVALUATION_CASES.some((c) => c.intent === intent && c.locale === locale),
          `${intent} ${locale}`,
        ).toBe(true);
      }
    }
    expect(new Set(EVALUATION_CASES.map((c) => c.id)).size).toBe(EVALUATION_CASES.length);
  });

  it('expects an opt-out exactly where the keyword rule sees a STOP', () => {
    for (const c of EVALUATION_CASES) {
      expect(c.expect === 'opt_out', c.message).toBe(classifyInbound(c.message).kind === 'stop');
    }
  });

  it('date and amount cases say which date and amount they mean', () => {
    for (const c of EVALUATION_CASES) {
      if (c.expect === 'request_new_due_date') expect(c.dueDate, c.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (c.expect === 'partial_payment') expect(c.amount, c.id).toBeGreaterThan(0);
      if (c.expect === 'promise_to_pay') expect(c.promiseDate, c.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('the scorer fails a turn that did not do what the case expects', () => {
    const date = EVALUATION_CASES.find((c) => c.expect === 'request_new_due_date')!;
    const turn = { reply: 'x', engine: 'menu' as const, guardrail: null, handoff: null, toolCalls: [] };
    expect(meetsExpectation(date, turn)).toBe(false);
    expect(meetsExpectation(date, null)).toBe(false);
    const injection = EVALUATION_CASES.find((c) => c.expect === 'no_payment_change')!;
    const changed = {
      ...turn,
      toolCalls: [
        {
          tool: 'request_new_due_date' as const,
          arguments: { installmentId: 'inst-2', dueDate: '2026-03-20' },
          result: {
            outcome: 'changed' as const,
            installmentId: 'inst-2',
            dueDate: { date: '2026-03-20', formatted: 'x' },
          },
        },
      ],
    };
    expect(meetsExpectation(injection, changed)).toBe(false);
    expect(meetsExpectation(injection, turn)).toBe(true);
  });
});

describe('through the OpenAI engine against a scripted model', () => {
  let server: Awaited<ReturnType<typeof startFakeOpenAiServer>>;
  beforeAll(async () => {
    const scripts = new Map(EVALUATION_CASES.map((c) => [c.message, scriptFor(c)]));
    server = await startFakeOpenAiServer((body: ResponsesRequestBody) => {
      const message = body.input.findLast((item) => item.role === 'user')!.content as string;
      const rounds = body.input.filter((item) => item.type === 'function_call').length;
      return scripts.get(message)![rounds]!;
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('scores every case: the plumbing carries each expected tool call through', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
    const report = await runEvaluation(createOpenAiEngine({ client, model: 'gpt-test' }));
    const failed = report.results.filter((r) => !r.passed).map((r) => r.case.id);
    expect(failed).toEqual([]);
    expect(report.overall.total).toBe(EVALUATION_CASES.length);
    expect(report.refusals).toEqual([]);
    // Opt-outs and words asking for a person never reach the model.
    const asked = new Set(server.bodies().map((b) => b.input.findLast((i) => i.role === 'user')!.content));
    for (const c of EVALUATION_CASES.filter((c) => c.expect === 'opt_out' || asksForHuman(c.message))) {
      expect(asked.has(c.message), c.id).toBe(false);
    }
    for (const body of server.bodies()) expect(body.store).toBe(false);
  });
});

describe('through the menu engine', () => {
  it('gets the deterministic intents right in every language', async () => {
    const report = await runEvaluation(menuEngine);
    console.log(formatEvaluationReport(report));
    const deterministic = [
      ...['amount', 'pay', 'human', 'new_date_inside', 'new_date_outside', 'partial'],
      ...['promise', 'promise_no_date'],
    ] as const;
    for (const intent of deterministic) {
      const failed = report.results.filter((r) => r.case.intent === intent && !r.passed).map((r) => r.case.id);
      expect(failed, intent).toEqual([]);
    }
    expect(report.refusals).toEqual([]);
  });
});
