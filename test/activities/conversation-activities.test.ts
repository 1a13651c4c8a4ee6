/**
 * The conversation workflow's activities on a real database (PostgreSQL and PGlite): a reply goes
 * out through the real Twilio SDK (to a local fake server) from the number the buyer wrote to, at
 * most once, never past the buyer's stop, an unreachable address or WhatsApp's closed window, and
 * never counted by the frequency cap; one assistant turn runs its tools once and reads only what
 * it may; an idle conversation closes unless the buyer wrote since.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { providerConfigFromEnv, sendersFromConfig } from '../../activities/channels/provider-config';
import { withOutboxFallback } from '../../activities/channels/outbox';
import { type ConversationActivityDeps, createConversationActivities } from '../../activities/conversation';
import type { ConversationActivityRef } from '../../activities/contracts';
import { ensureTenant } from '../../db/access-repository';
import { findAttempt, reserveAttempt } from '../../db/attempt-repository';
import { recordBuyerOptOut } from '../../db/buyer-consent-repository';
import { contactLedger, recordInbound, recordOptOut, recordSuppression } from '../../db/contact-repository';
import {
  findConversation,
  findMessage,
  openAgentTask,
  recordInboundMessage,
  recordOutboundMessage,
  upsertConversation,
} from '../../db/conversation-repository';
import { recordJourney } from '../../db/journey-repository';
import type { AssistantEngine, AssistantTurnInput } from '../../domain/assistant/engine';
import { evaluationTools } from '../../domain/assistant/evaluation-ledger';
import { menuEngine } from '../../domain/assistant/menu';
import type { ConversationTools } from '../../domain/assistant/tools';
import { type ConversationChannel, conversationWorkflowId } from '../../domain/conversation';
import { simulateJourney } from '../db/journey-sim';
import { describeEachDatabase } from '../support/databases';
import { type FakeTwilioServer, localTwilioHttpClient, startFakeTwilioServer } from '../support/fake-twilio-server';
import { makeInstallment, uniqueId } from '../support/fixtures';

/** Tuesday 2026-12-01, 22:00 in New York (already Wednesday in UTC). */
const NOW = Date.UTC(2026, 11, 2, 3, 0);
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** The locale's configured WhatsApp and SMS senders: replies must not leave from these. */
const CONFIGURED_WHATSAPP_FROM = '+14155550100';
const CONFIGURED_SMS_FROM = '+14155550111';
/** The number the buyer wrote to. */
const WROTE_TO = '+14155550199';

const silent: ConversationActivityDeps['logger'] = { info: () => undefined, warn: () => undefined };

type Binding = Parameters<ConversationActivityDeps['toolsFor']>[0];

/** Tools that answer like the evaluation ledger, record every call, and open the handoff task they are bound to. */
function recordingTools() {
  const calls: { tool: string; binding: Binding }[] = [];
  const bindings: Binding[] = [];
  const toolsFor = (binding: Binding): ConversationTools => {
    bindings.push(binding);
    const ledger = evaluationTools(binding.locale);
    const record = (tool: string) => calls.push({ tool, binding });
    return {
      openInstallments: async () => (record('open_installments'), ledger.openInstallments()),
      paymentLink: async (args) => (record('payment_link'), ledger.paymentLink(args)),
      requestNewDueDate: async (args) => (record('request_new_due_date'), ledger.requestNewDueDate(args)),
      partialPayment: async (args) => (record('partial_payment'), ledger.partialPayment(args)),
      promiseToPay: async (args) => (record('promise_to_pay'), ledger.promiseToPay(args)),
      handoffToHuman: async () => (record('handoff_to_human'), { outcome: 'opened', taskId: binding.handoffTaskId }),
    };
  };
  return { calls, bindings, toolsFor };
}

/** The menu, with every input it is given kept. */
function capturingMenu(): AssistantEngine & { inputs: AssistantTurnInput[] } {
  const inputs: AssistantTurnInput[] = [];
  return { name: 'menu', inputs, turn: (input) => (inputs.push(input), menuEngine.turn(input)) };
}

function freshNumber(prefix: string): string {
  return `${prefix}${Math.floor(Math.random() * 9_000_000) + 1_000_000}`;
}

describeEachDatabase('conversation activities', (getDb) => {
  let twilio: FakeTwilioServer;
  beforeAll(async () => {
    twilio = await startFakeTwilioServer();
  });
  afterAll(async () => {
    await twilio.close();
  });

  const senders = () =>
    withOutboxFallback(
      sendersFromConfig(
        providerConfigFromEnv({
          TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`,
          TWILIO_AUTH_TOKEN: 'twilio-test-token',
          TWILIO_WHATSAPP_FROM: CONFIGURED_WHATSAPP_FROM,
          TWILIO_SMS_FROM: CONFIGURED_SMS_FROM,
          PUBLIC_BASE_URL: 'https://dunning.example.com',
        }),
        { twilioHttpClient: localTwilioHttpClient(twilio.url), timeoutMs: 200 },
      ),
    );

  const activitiesAt = (now: number, deps: Partial<ConversationActivityDeps> = {}) =>
    createConversationActivities({
      db: getDb(),
      logger: silent,
      now: () => now,
      senders: senders(),
      engine: menuEngine,
      toolsFor: recordingTools().toolsFor,
      ...deps,
    });

  /** A conversation the webhook opened: the buyer wrote to {@link WROTE_TO} at `wroteAt`. */
  async function seedConversation(
    options: {
      channel?: ConversationChannel;
      wroteAt?: number;
      tenantId?: string;
      buyerId?: string;
      replyFrom?: string | null;
    } = {},
  ) {
    const channel = options.channel ?? 'whatsapp';
    const tenantId = options.tenantId ?? 'tenant-a';
    const buyerId = options.buyerId ?? uniqueId('buyer');
    const wroteAt = options.wroteAt ?? NOW - HOUR;
    const address = freshNumber(channel === 'whatsapp' ? '+1628' : '+1415');
    const conversationId = conversationWorkflowId(tenantId, buyerId, channel);
    await ensureTenant(getDb(), tenantId);
    await upsertConversation(getDb(), {
      id: conversationId,
      tenantId,
      buyerId,
      channel,
      address,
      replyFrom: options.replyFrom === undefined ? WROTE_TO : options.replyFrom,
      locale: 'en',
      at: new Date(wroteAt),
    });
    const { messageId } = await recordInboundMessage(getDb(), {
      conversationId,
      tenantId,
      providerMessageId: uniqueId('SM'),
      text: 'How much do I owe?',
      at: new Date(wroteAt),
    });
    const ref: ConversationActivityRef = { conversationId, tenantId, buyerId, channel };
    return { ref, address, inboundId: messageId };
  }

  /** An outbound message recorded for sending (as answerBuyer or recordAgentReply leaves it). */
  async function seedReply(ref: ConversationActivityRef, text = 'You owe $150.00 on installment 2 of 3.') {
    const id = `${ref.conversationId}/turn/${uniqueId('t')}`;
    await recordOutboundMessage(getDb(), {
      id,
      conversationId: ref.conversationId,
      tenantId: ref.tenantId,
      author: 'assistant',
      text,
      at: new Date(NOW - MINUTE),
    });
    return id;
  }

  const posts = () => twilio.requests.filter((r) => r.method === 'POST');

  // ——— sendConversationMessage ———

  it('a WhatsApp reply goes to Twilio as free-form text, to whatsapp:<buyer> from the number they wrote to', async () => {
    twilio.reset();
    const { ref, address } = await seedConversation();
    const text = 'You owe $150.00 on installment 2 of 3.';
    const messageId = await seedReply(ref, text);

    expect(await activitiesAt(NOW).sendConversationMessage({ ...ref, messageId })).toEqual({ status: 'sent' });

    expect(twilio.created).toHaveLength(1);
    const { fields, sid } = twilio.created[0]!;
    expect(fields).toMatchObject({ To: `whatsapp:${address}`, From: `whatsapp:${WROTE_TO}`, Body: text });
    expect(fields.From).not.toContain(CONFIGURED_WHATSAPP_FROM);
    expect(fields.ContentSid).toBeUndefined();

    expect(await findAttempt(getDb(), messageId)).toMatchObject({
      journeyId: ref.conversationId,
      tenantId: ref.tenantId,
      buyerId: ref.buyerId,
      stepIndex: -1,
      channel: 'whatsapp',
      template: 'conversation_reply',
      provider: 'twilio',
      recipient: address,
      body: text,
      whatsappMode: 'free_form',
      status: 'sent',
      providerMessageId: sid,
    });
    expect(await findMessage(getDb(), ref.tenantId, messageId)).toMatchObject({ attemptId: messageId });
  });

  it('an SMS reply leaves from the number the buyer wrote to, days after their message (SMS has no window)', async () => {
    twilio.reset();
    const { ref, address } = await seedConversation({ channel: 'sms', wroteAt: NOW - 72 * HOUR });
    const messageId = await seedReply(ref, 'Here is your link.');
    expect(await activitiesAt(NOW).sendConversationMessage({ ...ref, messageId })).toEqual({ status: 'sent' });
    expect(twilio.created.map((m) => m.fields)).toMatchObject([
      { To: address, From: WROTE_TO, Body: 'Here is your link.' },
    ]);
    expect(await findAttempt(getDb(), messageId)).toMatchObject({ channel: 'sms', template: 'conversation_reply' });
  });

  it('without a number the buyer wrote to, the reply leaves from the locale’s sender', async () => {
    twilio.reset();
    const { ref } = await seedConversation({ replyFrom: null });
    const messageId = await seedReply(ref);
    expect(await activitiesAt(NOW).sendConversationMessage({ ...ref, messageId })).toEqual({ status: 'sent' });
    expect(twilio.created[0]!.fields.From).toBe(`whatsapp:${CONFIGURED_WHATSAPP_FROM}`);
  });

  it('a retried send makes one Twilio request', async () => {
    twilio.reset();
    const { ref } = await seedConversation();
    const messageId = await seedReply(ref);
    const activities = activitiesAt(NOW);
    expect(await activities.sendConversationMessage({ ...ref, messageId })).toEqual({ status: 'sent' });
    expect(await activitiesAt(NOW + MINUTE).sendConversationMessage({ ...ref, messageId })).toEqual({
      status: 'sent',
    });
    expect(posts()).toHaveLength(1);
  });

  it('a reply whose answer was lost (Twilio timed out) counts as sent and is not sent again', async () => {
    twilio.reset();
    twilio.script({ delayMs: 600 });
    const { ref } = await seedConversation();
    const messageId = await seedReply(ref);
    expect(await activitiesAt(NOW).sendConversationMessage({ ...ref, messageId })).toEqual({ status: 'sent' });
    expect(await findAttempt(getDb(), messageId)).toMatchObject({ status: 'unconfirmed' });
    expect(await activitiesAt(NOW + MINUTE).sendConversationMessage({ ...ref, messageId })).toEqual({
      status: 'sent',
    });
    expect(posts()).toHaveLength(1);
  });

  it('refused without a provider call: the WhatsApp address opted out, support stopped the buyer, the address is suppressed', async () => {
    twilio.reset();
    const optedOut = await seedConversation();
    await recordOptOut(getDb(), 'whatsapp', `whatsapp:${optedOut.address}`, 'twilio:stop');

    const stopped = await seedConversation();
    await recordBuyerOptOut(getDb(), {
      tenantId: stopped.ref.tenantId,
      buyerId: stopped.ref.buyerId,
      channel: 'whatsapp',
      source: 'support',
      recordedBy: { keyId: 'key_support' },
    });

    const suppressed = await seedConversation();
    await recordSuppression(getDb(), 'whatsapp', suppressed.address, 'twilio:30006');

    const cases = [
      ['opted out', optedOut, 'opted_out'],
      ['support stop', stopped, 'opted_out'],
      ['suppressed', suppressed, 'suppressed'],
    ] as const;
    for (const [label, seeded, reason] of cases) {
      const messageId = await seedReply(seeded.ref);
      expect(await activitiesAt(NOW).sendConversationMessage({ ...seeded.ref, messageId }), label).toEqual({
        status: 'refused',
        reason,
      });
      expect(await findAttempt(getDb(), messageId), label).toBeUndefined();
    }
    expect(twilio.requests).toHaveLength(0);
  });

  it('a WhatsApp reply more than 24 hours after the buyer last wrote is refused as window_closed; inside, it goes', async () => {
    twilio.reset();
    const late = await seedConversation({ wroteAt: NOW - 25 * HOUR });
    const lateReply = await seedReply(late.ref);
    expect(await activitiesAt(NOW).sendConversationMessage({ ...late.ref, messageId: lateReply })).toEqual({
      status: 'refused',
      reason: 'window_closed',
    });
    expect(twilio.requests).toHaveLength(0);

    // The same conversation, with "now" 23 hours after the buyer's message: still open.
    const early = await seedConversation({ wroteAt: NOW - 25 * HOUR });
    const earlyReply = await seedReply(early.ref);
    expect(await activitiesAt(NOW - 2 * HOUR).sendConversationMessage({ ...early.ref, messageId: earlyReply })).toEqual(
      { status: 'sent' },
    );
    expect(posts()).toHaveLength(1);

    // The buyer wrote again at the address (recorded by the webhook) an hour ago: the window is open.
    const reopened = await seedConversation({ wroteAt: NOW - 25 * HOUR });
    await recordInbound(getDb(), 'whatsapp', `whatsapp:${reopened.address}`, new Date(NOW - HOUR));
    const reopenedReply = await seedReply(reopened.ref);
    expect(await activitiesAt(NOW).sendConversationMessage({ ...reopened.ref, messageId: reopenedReply })).toEqual({
      status: 'sent',
    });
    expect(posts()).toHaveLength(2);
  });

  it('a reply is not a contact: the frequency cap’s ledger leaves it out', async () => {
    twilio.reset();
    const { ref, address } = await seedConversation();
    const messageId = await seedReply(ref);
    expect(await activitiesAt(NOW).sendConversationMessage({ ...ref, messageId })).toEqual({ status: 'sent' });
    expect(await contactLedger(getDb(), ref.tenantId, ref.buyerId, NOW + MINUTE)).toEqual([]);

    // A reminder to the same buyer is counted.
    const reminderAt = NOW - HOUR;
    await reserveAttempt(getDb(), uniqueId('att'), {
      journeyId: uniqueId('journey'),
      tenantId: ref.tenantId,
      buyerId: ref.buyerId,
      planRevision: 1,
      stepIndex: 0,
      channel: 'whatsapp',
      requestedChannel: 'whatsapp',
      template: 'pre_due',
      provider: 'twilio',
      recipient: address,
      body: 'Reminder',
      status: 'sent',
      sentAt: new Date(reminderAt),
      updatedAt: new Date(reminderAt),
    });
    expect(await contactLedger(getDb(), ref.tenantId, ref.buyerId, NOW + MINUTE)).toEqual([reminderAt]);
  });

  // ——— answerBuyer ———

  it('a conversation a person still has (a handoff open from before it last closed) is not answered by the assistant', async () => {
    const { ref, inboundId } = await seedConversation();
    await openAgentTask(getDb(), {
      id: uniqueId('handoff'),
      tenantId: ref.tenantId,
      buyerId: ref.buyerId,
      kind: 'handoff',
      conversationId: ref.conversationId,
      reason: 'buyer_asked',
      at: new Date(NOW - MINUTE),
    });
    const tools = recordingTools();
    const engine = capturingMenu();
    const turn = await activitiesAt(NOW, { engine, toolsFor: tools.toolsFor }).answerBuyer({
      ...ref,
      messageIds: [inboundId],
      turn: 'run-b/1',
    });
    expect(turn.replyMessageId).toBeNull();
    expect(turn.handoffTaskId).toMatch(/^handoff-/);
    expect(engine.inputs).toHaveLength(0);
    expect(tools.calls).toHaveLength(0);
  });

  it('a turn over messages the conversation does not hold answers nothing', async () => {
    const { ref } = await seedConversation();
    const engine = capturingMenu();
    const turn = await activitiesAt(NOW, { engine }).answerBuyer({
      ...ref,
      messageIds: ['in/elsewhere'],
      turn: 'run-c/1',
    });
    expect(turn).toEqual({ replyMessageId: null, handoffTaskId: null });
    expect(engine.inputs).toHaveLength(0);
  });

  it('one turn: the tools run once, the reply is recorded once, and a retried turn returns the same reply', async () => {
    const { ref, inboundId } = await seedConversation();
    const tools = recordingTools();
    const activities = activitiesAt(NOW, { toolsFor: tools.toolsFor });
    const input = { ...ref, messageIds: [inboundId], turn: 'run-a/1' };

    const first = await activities.answerBuyer(input);
    expect(first).toEqual({ replyMessageId: `${ref.conversationId}/turn/run-a/1`, handoffTaskId: null });
    expect(tools.calls.map((c) => c.tool)).toEqual(['open_installments']);
    const reply = await findMessage(getDb(), ref.tenantId, first.replyMessageId!);
    const [owed] = (await evaluationTools('en').openInstallments()).installments;
    expect(reply).toMatchObject({
      conversationId: ref.conversationId,
      direction: 'outbound',
      author: 'assistant',
      engine: 'menu',
    });
    expect(reply!.text).toContain(owed!.amountDue.formatted);

    const again = await activitiesAt(NOW + MINUTE, { toolsFor: tools.toolsFor }).answerBuyer(input);
    expect(again).toEqual(first);
    expect(tools.calls).toHaveLength(1);
    expect(await findMessage(getDb(), ref.tenantId, first.replyMessageId!)).toEqual(reply);
  });

  it('the assistant reads the history without the turn’s own messages, and the turn’s messages as one', async () => {
    const t0 = NOW - 2 * HOUR;
    const { ref, inboundId: earlier } = await seedConversation({ wroteAt: t0 });
    await recordOutboundMessage(getDb(), {
      id: `${ref.conversationId}/turn/run-a/1`,
      conversationId: ref.conversationId,
      tenantId: ref.tenantId,
      author: 'assistant',
      text: 'Reply 1, 2 or 3.',
      at: new Date(t0 + MINUTE),
    });
    const asked = [];
    for (const [i, text] of ['Hello again', 'what is my balance'].entries()) {
      const { messageId } = await recordInboundMessage(getDb(), {
        conversationId: ref.conversationId,
        tenantId: ref.tenantId,
        providerMessageId: uniqueId('SM'),
        text,
        at: new Date(t0 + (i + 2) * MINUTE),
      });
      asked.push(messageId);
    }
    const engine = capturingMenu();
    await activitiesAt(NOW, { engine }).answerBuyer({ ...ref, messageIds: asked, turn: 'run-a/2' });

    expect(engine.inputs).toHaveLength(1);
    const [input] = engine.inputs;
    expect(input!.history).toEqual([
      { author: 'buyer', text: 'How much do I owe?' },
      { author: 'assistant', text: 'Reply 1, 2 or 3.' },
    ]);
    expect(input!.message).toBe('Hello again\nwhat is my balance');
    expect(earlier).not.toBe(asked[0]);
  });

  it('"a person please" hands off: the turn returns the task the tools were bound to, once', async () => {
    const { ref } = await seedConversation();
    const { messageId } = await recordInboundMessage(getDb(), {
      conversationId: ref.conversationId,
      tenantId: ref.tenantId,
      providerMessageId: uniqueId('SM'),
      text: 'a person please',
      at: new Date(NOW - MINUTE),
    });
    const tools = recordingTools();
    const engine = capturingMenu();
    const input = { ...ref, messageIds: [messageId], turn: 'run-a/3' };
    const expected = {
      replyMessageId: `${ref.conversationId}/turn/run-a/3`,
      handoffTaskId: 'handoff/run-a/3',
    };

    expect(await activitiesAt(NOW, { engine, toolsFor: tools.toolsFor }).answerBuyer(input)).toEqual(expected);
    expect(tools.bindings).toEqual([
      {
        tenantId: ref.tenantId,
        buyerId: ref.buyerId,
        locale: 'en',
        conversationId: ref.conversationId,
        handoffTaskId: expected.handoffTaskId,
        turnKey: `${ref.conversationId}/run-a/3`,
      },
    ]);
    expect(tools.calls.map((c) => c.tool)).toEqual(['handoff_to_human']);
    // A person was asked for: no engine between the buyer and them.
    expect(engine.inputs).toHaveLength(0);

    // Retried: the same reply and the same task, and no second handoff.
    expect(await activitiesAt(NOW + MINUTE, { engine, toolsFor: tools.toolsFor }).answerBuyer(input)).toEqual(expected);
    expect(tools.calls).toHaveLength(1);
  });

  it('the assistant knows the buyer by first name only: no surname, email or phone reaches the engine', async () => {
    const tenantId = uniqueId('tenant');
    await ensureTenant(getDb(), tenantId, 'Acme Pottery School');
    const email = `${uniqueId('maria')}@example.com`;
    const phone = freshNumber('+1415');
    const installment = makeInstallment({
      tenantId,
      buyer: {
        id: uniqueId('buyer'),
        name: 'Maria Clara Souza',
        email,
        phone,
        whatsapp: phone,
        timezone: 'America/New_York',
      },
    });
    await recordJourney(getDb(), simulateJourney(installment, NOW - 48 * HOUR).flush());
    const { ref, inboundId } = await seedConversation({ tenantId, buyerId: installment.buyer.id });
    const engine = capturingMenu();

    await activitiesAt(NOW, { engine }).answerBuyer({ ...ref, messageIds: [inboundId], turn: 'run-a/1' });

    const [input] = engine.inputs;
    expect(input!.context).toEqual({
      locale: 'en',
      firstName: 'Maria',
      sellerName: 'Acme Pottery School',
      // 22:00 on the 1st in New York, though already the 2nd in UTC.
      today: '2026-12-01',
      channel: 'whatsapp',
    });
    const seen = JSON.stringify({ context: input!.context, history: input!.history, message: input!.message });
    for (const secret of [email, phone, 'Souza', 'Clara']) expect(seen).not.toContain(secret);
  });

  // ——— recordAgentReply ———

  it('an agent’s reply is recorded once under its id, authored by the collaborator', async () => {
    const { ref } = await seedConversation();
    const messageId = `${ref.conversationId}/agent/1`;
    const actor = { kind: 'api_key', id: 'key_support', collaboratorId: 'collab-7' } as const;
    await activitiesAt(NOW).recordAgentReply({ ...ref, messageId, text: 'Hi, this is Sam.', actor });
    await activitiesAt(NOW + MINUTE).recordAgentReply({ ...ref, messageId, text: 'Hi, this is Sam.', actor });
    expect(await findMessage(getDb(), ref.tenantId, messageId)).toMatchObject({
      author: 'agent',
      authorId: 'collab-7',
      direction: 'outbound',
      text: 'Hi, this is Sam.',
      at: new Date(NOW),
    });
  });

  // ——— closeConversation ———

  it('closes an idle conversation, and not one the buyer wrote to after `at`', async () => {
    const idle = await seedConversation({ wroteAt: NOW - 25 * HOUR });
    await activitiesAt(NOW).closeConversation({ ...idle.ref, at: NOW - HOUR });
    expect(await findConversation(getDb(), idle.ref.tenantId, idle.ref.conversationId)).toMatchObject({
      status: 'closed',
      closedAt: new Date(NOW - HOUR),
    });

    const active = await seedConversation({ wroteAt: NOW - 25 * HOUR });
    // The webhook records a message after the workflow's timer fired but before the activity ran.
    await recordInboundMessage(getDb(), {
      conversationId: active.ref.conversationId,
      tenantId: active.ref.tenantId,
      providerMessageId: uniqueId('SM'),
      text: 'still there?',
      at: new Date(NOW - 30 * MINUTE),
    });
    await activitiesAt(NOW).closeConversation({ ...active.ref, at: NOW - HOUR });
    expect(await findConversation(getDb(), active.ref.tenantId, active.ref.conversationId)).toMatchObject({
      status: 'open',
      closedAt: null,
    });
  });
});
