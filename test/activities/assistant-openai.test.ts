/**
 * The assistant on the real openai SDK against a fake Responses API: what goes over the wire, the
 * tool loop, its bound, model failures and the guardrails on the model's words.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assistantEngineFromEnv } from '../../activities/assistant/engine-from-env';
import { createOpenAiEngine } from '../../activities/assistant/openai-engine';
import { runAssistantTurn } from '../../activities/assistant/turn';
import { evaluationContext, evaluationTools } from '../../domain/assistant/evaluation-ledger';
import { TOOL_NAMES } from '../../domain/assistant/tools';
import type { AssistantContext, TurnMessage } from '../../domain/conversation';
import { firstName, formatAmount } from '../../domain/messages';
import { type FakeOpenAiServer, type ResponsesRequestBody, startFakeOpenAiServer } from '../support/fake-openai-server';

let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAiServer();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function engine(options: { maxToolRounds?: number; maxRetries?: number } = {}) {
  const client = new OpenAI({
    apiKey: 'sk-test',
    baseURL: fake.baseURL,
    maxRetries: options.maxRetries ?? 0,
    timeout: 5_000,
  });
  return createOpenAiEngine({ client, model: 'gpt-test', maxToolRounds: options.maxToolRounds ?? 4 });
}

/** A buyer as the rest of the system knows them: with an email and a phone the model must never see. */
const buyer = { name: 'Ana Beatriz Souza', email: 'ana.souza@example.com', phone: '+5511987654321' };

function turn(message: string, options: { engine?: ReturnType<typeof engine>; history?: TurnMessage[] } = {}) {
  const tools = evaluationTools('pt-BR');
  const context = evaluationContext('pt-BR');
  const result = runAssistantTurn({
    engine: options.engine ?? engine(),
    context,
    history: options.history ?? [],
    message,
    tools,
  });
  return { tools, context, result };
}

const outputsOf = (body: ResponsesRequestBody) => body.input.filter((item) => item.type === 'function_call_output');

describe('requests on the wire', () => {
  it('sends the instructions, strict zod-derived tools and store:false, and no email or phone', async () => {
    // The richer object a caller might hold: spreading the buyer in must not leak their contacts.
    const context = { ...buyer, ...evaluationContext('pt-BR'), firstName: firstName(buyer.name) } as AssistantContext;
    const history: TurnMessage[] = [
      { author: 'assistant', text: 'Olá! Como posso ajudar?' },
      { author: 'buyer', text: `Oi, meu email é ${buyer.email}` },
      { author: 'agent', text: 'Anotado. Confirma o telefone +55 11 98765-4321?' },
    ];
    fake.steps({ text: 'Olá, Ana! Como posso ajudar?' });
    const message = 'Bom dia, meu cartão é 4111 1111 1111 1111';
    await runAssistantTurn({ engine: engine(), context, history, message, tools: evaluationTools('pt-BR') });

    const [request] = fake.requests;
    const body = request!.body as ResponsesRequestBody;
    expect(request!.path).toBe('/v1/responses');
    expect(body.model).toBe('gpt-test');
    expect(body.store).toBe(false);
    expect(body.instructions).toMatch(/never ask for.*card/i);
    expect(body.tools!.map((t) => t.name)).toEqual([...TOOL_NAMES]);
    for (const tool of body.tools!) {
      expect(tool).toMatchObject({ type: 'function', strict: true });
      expect(tool.parameters).toMatchObject({ type: 'object', additionalProperties: false });
      // Strict mode: every property is required.
      expect(new Set(tool.parameters.required as string[])).toEqual(
        new Set(Object.keys(tool.parameters.properties as object)),
      );
    }
    const byName = Object.fromEntries(body.tools!.map((t) => [t.name, t.parameters]));
    expect(byName.request_new_due_date).toMatchObject({
      properties: { dueDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, installmentId: { type: 'string' } },
    });
    expect(JSON.stringify(byName.payment_link)).toContain('null');
    expect(byName.partial_payment).toMatchObject({ properties: { amount: { type: 'number' } } });

    const sent = request!.rawBody;
    for (const secret of [buyer.email, buyer.phone, 'Souza', 'Beatriz', '98765-4321', '4111 1111']) {
      expect(sent).not.toContain(secret);
    }
    expect(sent).toContain('Ana');
    expect(sent).toContain('Acme Courses');
    expect(sent).toContain('2026-03-10');
    // The conversation so far, then the new message, last.
    expect(body.input.at(-1)).toMatchObject({ role: 'user', content: 'Bom dia, meu cartão é [card number]' });
    expect(body.input).toContainEqual(
      expect.objectContaining({ role: 'assistant', content: 'Olá! Como posso ajudar?' }),
    );
  });
});

describe('the tool loop', () => {
  it('runs the tools the model calls and sends their results back, resending the whole turn', async () => {
    fake.steps(
      { calls: [{ name: 'open_installments', arguments: {} }] },
      { calls: [{ name: 'request_new_due_date', arguments: { installmentId: 'inst-2', dueDate: '2026-03-20' } }] },
      { text: 'Pronto! Seu novo vencimento é 20 de março de 2026.' },
    );
    const { tools, result } = turn('Posso pagar dia 20?');
    const outcome = await result;

    expect(outcome).toMatchObject({
      engine: 'openai',
      guardrail: null,
      reply: 'Pronto! Seu novo vencimento é 20 de março de 2026.',
    });
    expect(outcome.toolCalls.map((c) => c.tool)).toEqual(['open_installments', 'request_new_due_date']);
    expect(tools.ledger[0]!.dueDate).toBe('2026-03-20');

    const bodies = fake.bodies();
    expect(bodies).toHaveLength(3);
    for (const body of bodies) expect(body.store).toBe(false);
    const [, second, third] = bodies;
    const call = second!.input.find((item) => item.type === 'function_call')!;
    const [output] = outputsOf(second!);
    expect(output!.call_id).toBe(call.call_id);
    const installments = (JSON.parse(output!.output as string) as { installments: { installmentId: string }[] })
      .installments;
    expect(installments.map((i) => i.installmentId)).toEqual(['inst-2', 'inst-3']);
    // store:false: nothing refers to a stored item; the third request carries both rounds.
    expect(third!.previous_response_id).toBeUndefined();
    expect(outputsOf(third!)).toHaveLength(2);
    expect(JSON.parse(outputsOf(third!)[1]!.output as string)).toMatchObject({ outcome: 'changed' });
  });

  it('gives the model links as placeholders only, and the buyer the real link', async () => {
    fake.steps(
      { calls: [{ name: 'payment_link', arguments: { installmentId: null } }] },
      { text: 'Aqui está o seu link: [link-a]' },
    );
    const outcome = await turn('Quero pagar').result;
    const [output] = outputsOf(fake.bodies()[1]!);
    expect(output!.output).not.toMatch(/https?:/);
    expect(JSON.parse(output!.output as string)).toMatchObject({ outcome: 'link', url: '[link-a]' });
    const link = outcome.toolCalls.find((c) => c.tool === 'payment_link')!.result;
    expect(link).toMatchObject({ outcome: 'link' });
    expect(outcome.reply).toBe(`Aqui está o seu link: ${(link as { url: string }).url}`);
    expect(outcome.reply).toMatch(/^Aqui está o seu link: https:\/\//);
  });

  it('answers bad arguments with an error the model can read, and runs nothing', async () => {
    fake.steps(
      { calls: [{ name: 'request_new_due_date', arguments: { installmentId: 'inst-2', dueDate: 'amanhã' } }] },
      { calls: [{ name: 'mark_paid', arguments: {} }] },
      { text: 'Qual data você prefere?' },
    );
    const { tools, result } = turn('Quero mudar a data');
    const outcome = await result;
    expect(outcome.toolCalls).toEqual([]);
    expect(tools.ledger[0]!.dueDate).toBe('2026-03-05');
    const errors = outputsOf(fake.bodies()[2]!).map((o) => JSON.parse(o.output as string) as { error: string });
    expect(errors[0]!.error).toBe('invalid arguments');
    expect(errors[1]!.error).toMatch(/unknown tool/);
    expect(outcome.reply).toBe('Qual data você prefere?');
  });

  it('stops after maxToolRounds: the last request forbids tools, and a model that calls more gets the template', async () => {
    const loop = startFakeOpenAiServer(() => ({ calls: [{ name: 'open_installments', arguments: {} }] }));
    const server = await loop;
    try {
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
      const bounded = createOpenAiEngine({ client, model: 'gpt-test', maxToolRounds: 2 });
      const outcome = await runAssistantTurn({
        engine: bounded,
        context: evaluationContext('en'),
        history: [],
        message: 'How much do I owe?',
        tools: evaluationTools('en'),
      });
      const bodies = server.bodies();
      expect(bodies).toHaveLength(3);
      expect(bodies[2]!.tool_choice).toBe('none');
      expect(bodies[0]!.tool_choice).toBeUndefined();
      expect(outcome.toolCalls).toHaveLength(2);
      expect(outcome).toMatchObject({ engine: 'template', guardrail: 'model_error' });
      expect(outcome.reply).toContain('$150.00');
    } finally {
      await server.close();
    }
  });
});

describe('model trouble and guardrails', () => {
  it('a model 500 (after the SDK retries) gets the templated reply, never an exception', async () => {
    fake.steps({ status: 500 }, { status: 500 });
    const { result } = turn('Quanto eu devo?', { engine: engine({ maxRetries: 1 }) });
    const outcome = await result;
    expect(fake.requests).toHaveLength(2);
    expect(outcome).toMatchObject({ engine: 'template', guardrail: 'model_error', toolCalls: [] });
    expect(outcome.reply.length).toBeGreaterThan(0);
  });

  it('a failure after a tool ran keeps what the tool did in the templated reply', async () => {
    fake.steps({ calls: [{ name: 'payment_link', arguments: { installmentId: null } }] }, { status: 503 });
    const outcome = await turn('Quero pagar').result;
    expect(outcome).toMatchObject({ engine: 'template', guardrail: 'model_error' });
    expect(outcome.reply).toContain('https://pay.example.com/i/inst-2');
  });

  it('a reply with an amount no tool gave is replaced by the templated reply', async () => {
    fake.steps({ calls: [{ name: 'open_installments', arguments: {} }] }, { text: 'Você deve R$ 999,00 até amanhã.' });
    const outcome = await turn('Quanto eu devo?').result;
    expect(outcome).toMatchObject({ engine: 'template', guardrail: 'amount_not_from_tools' });
    expect(outcome.reply).not.toContain('999');
    expect(outcome.reply).toContain(formatAmount(15000, 'BRL', 'pt-BR'));
  });

  it('a reply with a date no tool gave is replaced', async () => {
    fake.steps({ calls: [{ name: 'open_installments', arguments: {} }] }, { text: 'Sua parcela vence em 12/04.' });
    const outcome = await turn('Quando vence?').result;
    expect(outcome).toMatchObject({ engine: 'template', guardrail: 'date_not_from_tools' });
  });

  it('a reply carrying a Luhn-valid card number is never sent', async () => {
    fake.steps({ text: 'Para confirmar, o cartão 4111 1111 1111 1111 está certo?' });
    const outcome = await turn('Oi').result;
    expect(outcome).toMatchObject({ engine: 'template', guardrail: 'card_data' });
    expect(outcome.reply.replace(/\D/g, '')).not.toContain('4111111111111111');
  });

  it('an empty reply is replaced', async () => {
    fake.steps({ text: '  ' });
    expect(await turn('Oi').result).toMatchObject({ engine: 'template', guardrail: 'empty' });
  });

  it('a buyer who asks for a person gets one without a model call', async () => {
    const outcome = await turn('Quero falar com um atendente').result;
    expect(fake.requests).toHaveLength(0);
    expect(outcome.handoff).toEqual({ reason: 'buyer_asked', taskId: 'task-1' });
    expect(outcome).toMatchObject({ engine: 'template', guardrail: null });
    expect(outcome.toolCalls.map((c) => c.tool)).toEqual(['handoff_to_human']);
  });

  it("the model's own handoff is reported as the turn's handoff", async () => {
    fake.steps(
      { calls: [{ name: 'handoff_to_human', arguments: { reason: 'hardship' } }] },
      { text: 'Uma pessoa vai te responder.' },
    );
    const outcome = await turn('Perdi meu emprego, não consigo pagar').result;
    expect(outcome).toMatchObject({ engine: 'openai', handoff: { reason: 'hardship', taskId: 'task-1' } });
  });
});

describe('assistantEngineFromEnv', () => {
  it('is the menu without a key, the model with one', () => {
    expect(assistantEngineFromEnv({}).name).toBe('menu');
    expect(assistantEngineFromEnv({ OPENAI_API_KEY: '' }).name).toBe('menu');
    expect(assistantEngineFromEnv({ OPENAI_API_KEY: 'sk-abc', OPENAI_BASE_URL: fake.baseURL }).name).toBe('openai');
  });

  it('names the variable on a bad value and never prints the key', () => {
    const key = 'sk-very-secret';
    const attempts = [
      { OPENAI_API_KEY: key, OPENAI_BASE_URL: 'not a url' },
      { OPENAI_API_KEY: key, OPENAI_BASE_URL: 'ftp://example.com' },
      { OPENAI_API_KEY: key, OPENAI_MODEL: 'gpt 4 with spaces' },
      { OPENAI_API_KEY: `${key} ` },
    ];
    const names = ['OPENAI_BASE_URL', 'OPENAI_BASE_URL', 'OPENAI_MODEL', 'OPENAI_API_KEY'];
    attempts.forEach((env, i) => {
      let message = '';
      try {
        assistantEngineFromEnv(env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(names[i]);
      expect(message).not.toContain(key);
    });
  });

  it('the engine it builds talks to OPENAI_BASE_URL with OPENAI_MODEL and the key', async () => {
    fake.steps({ text: 'Hi!' });
    const built = assistantEngineFromEnv({
      OPENAI_API_KEY: 'sk-abc',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MODEL: 'gpt-x',
    });
    await runAssistantTurn({
      engine: built,
      context: evaluationContext('en'),
      history: [],
      message: 'Hello',
      tools: evaluationTools('en'),
    });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-abc');
    expect(fake.bodies()[0]!.model).toBe('gpt-x');
  });
});
