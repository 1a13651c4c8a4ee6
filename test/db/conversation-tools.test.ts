/**
 * The assistant's tools and the agent tasks against a real database and the in-memory journey
 * gateway: the buyer's open installments from the ledger, links, a due date the policy decides,
 * the area's partial-payment rule, a promise to pay the journey's own rules judge (the assistant
 * recorded as its actor), a handoff that holds the journeys and notifies the seller
 * (identifiers only), and a close that resumes them and tells the conversation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { closeAgentTask, openCallTask, openHandoffTask } from '../../application/agent-tasks';
import { type ConversationToolDeps, createConversationTools, toMinorUnits } from '../../application/conversation-tools';
import { linkKeyRing } from '../../application/link-keys';
import { builtInPolicies } from '../../application/policy-catalog';
import { type NotificationEmail, emailSellerNotifier } from '../../application/seller-notifier';
import { updateTenant } from '../../db/access-repository';
import {
  findAgentTask,
  findConversationWithMessages,
  recordInboundMessage,
  upsertConversation,
} from '../../db/conversation-repository';
import { conversationWorkflowId } from '../../domain/conversation';
import { defaultPolicy } from '../../domain/policy';
import { journeyWorkflowId } from '../../workflows/messages';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { InMemoryConversationGateway } from '../support/in-memory-conversation-gateway';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';

/** Wednesday 2026-12-02 12:00 UTC (09:00 in São Paulo). */
const NOW = Date.UTC(2026, 11, 2, 12, 0);
const HOUR = 3_600_000;
const CHECKOUT = 'https://pay.example.com/checkout/{purchaseId}/{installmentNumber}?amount={amountMinor}';
const silent = { warn: () => {}, error: () => {} };

describe('toMinorUnits', () => {
  it('turns major units into the currency’s minor units, and refuses fractions of them', () => {
    expect(toMinorUnits(50.25, 'BRL')).toBe(5025);
    expect(toMinorUnits(0.1 + 0.2, 'USD')).toBe(30);
    expect(toMinorUnits(500, 'JPY')).toBe(500);
    expect(toMinorUnits(1.005, 'BRL')).toBeNull();
    expect(toMinorUnits(0.5, 'JPY')).toBeNull();
  });
});

describeEachDatabase('conversation tools and agent tasks', (getDb) => {
  const tenantId = 'tenant-a';
  let journeys: InMemoryJourneyGateway;
  let conversations: InMemoryConversationGateway;
  let sent: NotificationEmail[];
  let deps: ConversationToolDeps;

  beforeAll(async () => {
    journeys = new InMemoryJourneyGateway(getDb(), () => NOW);
    conversations = new InMemoryConversationGateway();
    sent = [];
    await updateTenant(getDb(), tenantId, { name: 'Acme Courses', checkoutUrlTemplate: CHECKOUT });
    deps = {
      db: getDb(),
      gateway: journeys,
      policies: builtInPolicies,
      conversations,
      notifier: emailSellerNotifier({
        db: getDb(),
        sender: {
          send: async (message) => {
            sent.push(message);
            return { kind: 'sent' };
          },
        },
        apiBaseUrl: 'https://dunning.example.com',
      }),
      log: silent,
      now: () => NOW,
    };
  });

  /** A buyer in São Paulo with two open installments of one purchase (2 overdue, 3 upcoming); another buyer’s. */
  async function buyerWithInstallments() {
    const buyerId = uniqueId('buyer');
    const purchaseId = uniqueId('pur');
    const buyer = {
      id: buyerId,
      name: 'Ana Souza',
      locale: 'pt-BR' as const,
      timezone: 'America/Sao_Paulo',
      whatsapp: '+5511999990000',
    };
    const overdue = makeInstallment({
      buyer,
      purchaseId,
      installmentNumber: 2,
      installmentCount: 3,
      dueDate: '2026-11-25',
      product: { name: 'TypeScript Mastery' },
      amount: { amountMinor: 10_000, currency: 'BRL' },
    });
    const upcoming = makeInstallment({
      buyer,
      purchaseId,
      installmentNumber: 3,
      installmentCount: 3,
      dueDate: '2026-12-25',
      product: { name: 'TypeScript Mastery' },
      amount: { amountMinor: 10_000, currency: 'BRL' },
    });
    const someoneElse = makeInstallment({ buyer: { id: uniqueId('buyer') } });
    for (const i of [overdue, upcoming, someoneElse]) await journeys.start(i, defaultPolicy);
    const conversationId = conversationWorkflowId(tenantId, buyerId, 'whatsapp');
    await upsertConversation(getDb(), {
      id: conversationId,
      tenantId,
      buyerId,
      channel: 'whatsapp',
      address: '+5511999990000',
      locale: 'pt-BR',
      at: new Date(NOW - HOUR),
    });
    const tools = createConversationTools(deps, { tenantId, buyerId, locale: 'pt-BR', conversationId });
    return { buyerId, purchaseId, overdue, upcoming, someoneElse, conversationId, tools };
  }

  it('open_installments lists the buyer’s open installments with amounts and dates in the buyer’s locale', async () => {
    const { tools, overdue, upcoming } = await buyerWithInstallments();
    const { installments } = await tools.openInstallments();
    expect(installments).toEqual([
      {
        installmentId: overdue.installmentId,
        productName: 'TypeScript Mastery',
        number: 2,
        count: 3,
        amountDue: { minor: 10_000, currency: 'BRL', formatted: expect.stringMatching(/^R\$\s100,00$/) },
        dueDate: { date: '2026-11-25', formatted: '25 de novembro de 2026' },
        status: 'overdue',
      },
      expect.objectContaining({ installmentId: upcoming.installmentId, status: 'upcoming' }),
    ]);
  });

  it('payment_link answers the buyer area when link keys are configured, else the payment URL; never another buyer’s', async () => {
    const { tools, overdue, upcoming, someoneElse, buyerId } = await buyerWithInstallments();
    expect(await tools.paymentLink({ installmentId: null })).toEqual({
      outcome: 'link',
      installmentId: overdue.installmentId,
      url: overdue.paymentUrl,
    });
    expect(await tools.paymentLink({ installmentId: someoneElse.installmentId })).toEqual({ outcome: 'nothing_open' });
    const withLinks = createConversationTools(
      { ...deps, links: { keys: linkKeyRing('a-test-link-secret-of-32-chars!!'), baseUrl: 'https://pay.acme.test/' } },
      { tenantId, buyerId, locale: 'pt-BR', conversationId: 'c' },
    );
    const link = await withLinks.paymentLink({ installmentId: upcoming.installmentId });
    expect(link).toMatchObject({
      outcome: 'link',
      url: expect.stringMatching(/^https:\/\/pay\.acme\.test\/pay\/\S+$/),
    });
  });

  it('request_new_due_date goes through the journey’s update: accepted, or refused with the policy’s window', async () => {
    const { tools, overdue, someoneElse, buyerId } = await buyerWithInstallments();
    expect(await tools.requestNewDueDate({ installmentId: overdue.installmentId, dueDate: '2026-12-10' })).toEqual({
      outcome: 'changed',
      installmentId: overdue.installmentId,
      dueDate: { date: '2026-12-10', formatted: '10 de dezembro de 2026' },
    });
    const change = journeys.calls.filter((c) => c.method === 'changeDueDate').at(-1);
    expect(change?.argument).toEqual({ dueDate: '2026-12-10', actor: { kind: 'buyer', id: buyerId } });
    const refused = await tools.requestNewDueDate({ installmentId: overdue.installmentId, dueDate: '2027-03-01' });
    expect(refused).toEqual({
      outcome: 'refused',
      installmentId: overdue.installmentId,
      reason: 'beyond_limit',
      window: {
        min: { date: '2026-12-02', formatted: '2 de dezembro de 2026' },
        max: { date: '2026-12-25', formatted: '25 de dezembro de 2026' },
      },
    });
    expect(await tools.requestNewDueDate({ installmentId: someoneElse.installmentId, dueDate: '2026-12-10' })).toEqual({
      outcome: 'unknown_installment',
    });
  });

  it('partial_payment follows the area’s rule: a checkout within the policy, refused above the balance', async () => {
    const { tools, overdue, purchaseId, someoneElse } = await buyerWithInstallments();
    expect(await tools.partialPayment({ installmentId: overdue.installmentId, amount: 50.25 })).toEqual({
      outcome: 'checkout',
      installmentId: overdue.installmentId,
      amount: { minor: 5025, currency: 'BRL', formatted: expect.stringMatching(/50,25/) },
      url: `https://pay.example.com/checkout/${purchaseId}/2?amount=5025`,
    });
    expect(await tools.partialPayment({ installmentId: overdue.installmentId, amount: 150 })).toMatchObject({
      outcome: 'refused',
      reason: 'above_balance',
      minimum: { minor: 1 },
      maximum: { minor: 10_000 },
    });
    expect(await tools.partialPayment({ installmentId: someoneElse.installmentId, amount: 1 })).toEqual({
      outcome: 'unknown_installment',
    });
  });

  it('promise_to_pay goes through the journey’s update as the assistant’s: recorded with what happens if missed', async () => {
    const { tools, overdue } = await buyerWithInstallments();
    const ref = { tenantId, installmentId: overdue.installmentId };
    expect(
      await tools.promiseToPay({ installmentId: overdue.installmentId, date: '2026-12-10', amount: null }),
    ).toEqual({
      outcome: 'promised',
      installmentId: overdue.installmentId,
      date: { date: '2026-12-10', formatted: '10 de dezembro de 2026' },
      amount: { minor: 10_000, currency: 'BRL', formatted: expect.stringMatching(/^R\$\s100,00$/) },
      // The default rules' one day of grace: reminders may start again the day after it.
      resumesOn: { date: '2026-12-12', formatted: '12 de dezembro de 2026' },
    });
    const call = journeys.calls.filter((c) => c.method === 'promiseToPay').at(-1);
    expect(call?.argument).toEqual({ date: '2026-12-10', actor: { kind: 'system', id: 'assistant' } });
    expect((await journeys.status(ref))?.promise).toMatchObject({ date: '2026-12-10', amountMinor: 10_000 });
  });

  it('promise_to_pay refused says why, with the days and amounts the policy takes and the promise already open', async () => {
    const { tools, overdue, upcoming, someoneElse } = await buyerWithInstallments();
    const window = {
      min: { date: '2026-12-02', formatted: '2 de dezembro de 2026' },
      max: { date: '2026-12-16', formatted: '16 de dezembro de 2026' },
    };
    const whole = { minor: 10_000, currency: 'BRL', formatted: expect.stringMatching(/100,00/) };
    expect(
      await tools.promiseToPay({ installmentId: upcoming.installmentId, date: '2027-01-30', amount: null }),
    ).toEqual({
      outcome: 'refused',
      installmentId: upcoming.installmentId,
      reason: 'too_far_ahead',
      window,
      amounts: { minimum: whole, maximum: whole },
      open: null,
    });
    expect(
      await tools.promiseToPay({ installmentId: upcoming.installmentId, date: '2026-12-10', amount: 50 }),
    ).toMatchObject({ outcome: 'refused', reason: 'below_minimum' });
    await tools.promiseToPay({ installmentId: overdue.installmentId, date: '2026-12-09', amount: 100 });
    expect(
      await tools.promiseToPay({ installmentId: overdue.installmentId, date: '2026-12-11', amount: null }),
    ).toMatchObject({
      outcome: 'refused',
      reason: 'promise_open',
      open: { date: { date: '2026-12-09' }, amount: { minor: 10_000 } },
    });
    const before = journeys.calls.length;
    expect(
      await tools.promiseToPay({ installmentId: upcoming.installmentId, date: '2026-12-10', amount: 50.255 }),
    ).toMatchObject({ outcome: 'refused', reason: 'invalid_amount' });
    expect(journeys.calls.slice(before).some((c) => c.method === 'promiseToPay')).toBe(false);
    expect(
      await tools.promiseToPay({ installmentId: someoneElse.installmentId, date: '2026-12-10', amount: null }),
    ).toEqual({ outcome: 'unknown_installment' });
  });

  it('handoff_to_human opens one task: the conversation is a person’s, the journeys hold, the seller is emailed ids only', async () => {
    await updateTenant(getDb(), tenantId, { notificationEmail: 'seller@acme.test' });
    const { tools, overdue, upcoming, conversationId, someoneElse } = await buyerWithInstallments();
    await recordInboundMessage(getDb(), {
      conversationId,
      tenantId,
      providerMessageId: uniqueId('SM'),
      text: 'quero falar com um atendente, meu CPF é 123',
      at: new Date(NOW - HOUR / 2),
    });
    const first = await tools.handoffToHuman({ reason: 'buyer_asked' });
    const again = await tools.handoffToHuman({ reason: 'dispute' });
    expect(again).toEqual(first);
    const task = await findAgentTask(getDb(), tenantId, first.taskId);
    expect(task).toMatchObject({ kind: 'handoff', status: 'open', reason: 'buyer_asked', conversationId });
    expect(task?.holdUntil).toEqual(new Date(NOW + 48 * HOUR));

    for (const i of [overdue, upcoming]) {
      const state = journeys.journeys.get(journeyWorkflowId(tenantId, i.installmentId))!;
      expect(state.paused).toEqual({ since: NOW, until: NOW + 48 * HOUR, heldBy: 'handoff' });
    }
    expect(journeys.journeys.get(journeyWorkflowId(tenantId, someoneElse.installmentId))!.paused).toBeNull();

    const history = await findConversationWithMessages(getDb(), tenantId, conversationId);
    expect(history?.conversation.status).toBe('handoff');
    expect(history?.messages.at(-1)).toMatchObject({ author: 'system', direction: 'outbound' });

    const mail = sent.filter((m) => m.attemptId === `seller-notification/${first.taskId}`);
    expect(mail.length).toBeGreaterThanOrEqual(1);
    expect(mail[0]).toMatchObject({ to: 'seller@acme.test', channel: 'email' });
    const words = `${mail[0]!.subject}\n${mail[0]!.text}\n${mail[0]!.html}`;
    expect(words).toContain(first.taskId);
    expect(words).toContain('buyer_asked');
    expect(words).toContain('https://dunning.example.com/v1/agent-tasks?status=open');
    for (const secret of ['atendente', 'CPF', '+5511999990000', 'Ana']) expect(words).not.toContain(secret);
  });

  it('closing the task resumes the journeys it held (a manual pause stays), tells the conversation, and records it', async () => {
    const { overdue, upcoming, conversationId, buyerId } = await buyerWithInstallments();
    const taskId = uniqueId('task');
    await openHandoffTask(deps, { tenantId, buyerId, conversationId, reason: 'hardship', taskId });
    conversations.handOver({ tenantId, buyerId, channel: 'whatsapp' }, taskId);
    // A support agent pauses the upcoming one by hand while the task is open.
    await journeys.pause({ tenantId, installmentId: upcoming.installmentId }, { until: null });

    const actor = { kind: 'api_key' as const, id: 'key-agent' };
    const closed = await closeAgentTask(deps, { tenantId, taskId, actor, resolution: 'agreed to pay on the 10th' });
    expect(closed).toMatchObject({ kind: 'closed', conversation: 'delivered', task: { status: 'closed' } });
    expect(journeys.journeys.get(journeyWorkflowId(tenantId, overdue.installmentId))!.paused).toBeNull();
    expect(journeys.journeys.get(journeyWorkflowId(tenantId, upcoming.installmentId))!.paused).toMatchObject({
      until: null,
    });
    expect(conversations.calls.at(-1)).toMatchObject({ method: 'handoffClosed', argument: { taskId, actor } });
    const history = await findConversationWithMessages(getDb(), tenantId, conversationId);
    expect(history?.conversation.status).toBe('open');
    expect(history?.messages.map((m) => m.author)).toEqual(['system', 'system']);

    expect(await closeAgentTask(deps, { tenantId, taskId, actor: { kind: 'api_key', id: 'other' } })).toMatchObject({
      kind: 'already_closed',
      task: { closedBy: { id: 'key-agent' }, resolution: 'agreed to pay on the 10th' },
    });
    expect(await closeAgentTask(deps, { tenantId: 'tenant-b', taskId, actor })).toEqual({ kind: 'not_found' });
  });

  it('a call task for an agent step is stored and notified, and holds nothing', async () => {
    const { overdue, buyerId } = await buyerWithInstallments();
    const taskId = uniqueId('call');
    const opened = await openCallTask(deps, {
      tenantId,
      buyerId,
      journeyId: journeyWorkflowId(tenantId, overdue.installmentId),
      reason: 'final_notice',
      taskId,
    });
    expect(opened).toMatchObject({ created: true, task: { kind: 'call', status: 'open' } });
    expect(journeys.journeys.get(journeyWorkflowId(tenantId, overdue.installmentId))!.paused).toBeNull();
    expect(sent.some((m) => m.attemptId === `seller-notification/${taskId}`)).toBe(true);
    expect((await openCallTask(deps, { tenantId, buyerId, journeyId: 'x', reason: 'y', taskId })).created).toBe(false);
  });

  it('without a notification address there is no email, and the task is still stored', async () => {
    const tenant = uniqueId('tenant-quiet');
    const before = sent.length;
    const opened = await openCallTask(deps, {
      tenantId: tenant,
      buyerId: 'b',
      journeyId: 'j',
      reason: 'r',
      taskId: uniqueId('call'),
    });
    expect(opened.notified).toBe('no_address');
    expect(sent.length).toBe(before);
  });
});
