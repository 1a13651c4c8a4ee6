/**
 * Tier 5, time-skipping: a buyer's WhatsApp conversation end to end, through the real API (the
 * signed Twilio webhook, the conversation and agent-task routes), the real worker (the menu
 * engine: no model key) and the real conversation workflow. The buyer asks what they owe and is
 * answered in the outbox; asks for a person, and the journey holds its reminders; an agent
 * answers through the API and closes the task; a day without messages closes the conversation.
 * Another buyer promises to pay by WhatsApp: the journey holds every reminder until the promised
 * day plus the policy's grace.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../api/app';
import { envKeyStore } from '../../../application/key-stores';
import { databasePolicies } from '../../../application/policy-catalog';
import { TemporalConversationGateway } from '../../../application/temporal-conversation-gateway';
import { listAttempts } from '../../../db/attempt-repository';
import { findConversationWithMessages, upsertConversation } from '../../../db/conversation-repository';
import { findJourney, listEvents } from '../../../db/journey-repository';
import { CONVERSATION_REPLY_TEMPLATE, SEEN_MESSAGES_KEPT, conversationWorkflowId } from '../../../domain/conversation';
import { addDays } from '../../../domain/local-time';
import { formatAmount, formatDate } from '../../../domain/messages';
import type { buyerConversation } from '../../../workflows/conversation';
import { conversationStateQuery } from '../../../workflows/conversation-messages';
import { exportHistory } from '../../support/history-export';
import { testLogger } from '../../support/test-log';
import { twilioRequest } from '../../support/twilio-request';
import { eventually } from '../eventually';
import { skipWithout, timeSkipping } from '../servers';
import { DAY, useTimeSkippingHarness } from './harness';

const BASE_URL = 'https://api.example.com';
const TOKEN = 'twilio-auth-token-for-e2e';
const KEY = 'conversation-e2e-owner-key';
/** Our Spanish-language WhatsApp number, which the buyer writes to (fictional). */
const OUR_NUMBER = '+14155550100';

describe.skipIf(skipWithout(timeSkipping, 'conversations on the time-skipping server'))(
  'a buyer’s conversation end to end (time-skipping test server)',
  () => {
    const h = useTimeSkippingHarness();
    let app: App;
    let sid = 0;
    /** The API's clock follows the test server's skipped time, as a real deployment's follows the real one. */
    let skipped = 0;

    beforeAll(async () => {
      app = await buildApp({
        db: h.db,
        gateway: h.gateway,
        conversations: new TemporalConversationGateway(h.env.client, h.taskQueue),
        policies: databasePolicies(h.db),
        keys: envKeyStore(`tenant-a:${KEY}`),
        webhooks: { publicBaseUrl: BASE_URL, twilioAuthToken: TOKEN, resendWebhookSecret: null, linkKeys: null },
        logger: testLogger(),
        now: () => Date.now() + skipped,
      });
      await app.ready();
    });
    afterAll(() => app?.close());

    const buyerWrites = async (from: string, body: string, messageSid = `SM${String(++sid).padStart(32, '0')}`) => {
      const params = { MessageSid: messageSid, From: `whatsapp:${from}`, To: `whatsapp:${OUR_NUMBER}`, Body: body };
      const response = await app.inject(
        twilioRequest('/webhooks/twilio/inbound', params, { baseUrl: BASE_URL, token: TOKEN }),
      );
      expect(response.statusCode, response.body).toBe(200);
      return messageSid;
    };
    const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${KEY}` }, ...(payload && { payload }) });

    it('answers, hands over to a person who replies and closes, and closes the conversation after a quiet day', async () => {
      // North America's fictional range, one number of its own in this file's database.
      const whatsapp = `+141555501${10 + Math.floor(Math.random() * 90)}`;
      const { installment, handle: journey } = await h.startJourney({ buyer: { whatsapp, locale: 'es' } });
      const conversationId = conversationWorkflowId(installment.tenantId, installment.buyer.id, 'whatsapp');
      const replies = async () =>
        (await listAttempts(h.db, conversationId)).filter((a) => a.template === CONVERSATION_REPLY_TEMPLATE);

      await eventually('the journey on record', () =>
        findJourney(h.db, installment.tenantId, installment.installmentId),
      );

      // The buyer asks what they owe: the assistant answers from the ledger, from our number.
      const first = await buyerWrites(whatsapp, '¿Cuánto debo?');
      const [answer] = await eventually('the answer in the outbox', async () => {
        const sent = await replies();
        return sent.length === 1 && sent[0]!.status === 'sent' ? sent : undefined;
      });
      expect(answer!.channel).toBe('whatsapp');
      expect(answer!.recipient).toBe(whatsapp);
      expect(answer!.whatsappMode).toBe('free_form');
      expect(answer!.body).toContain(formatAmount(installment.amount.amountMinor, installment.amount.currency, 'es'));
      // Twilio redelivers the webhook: still one message, one answer.
      await buyerWrites(whatsapp, '¿Cuánto debo?', first);

      // The buyer asks for a person: an agent task opens and the journey holds its reminders.
      await buyerWrites(whatsapp, 'Quiero hablar con una persona, por favor');
      const task = await eventually('the handoff task', async () => {
        const tasks = (await api('GET', '/v1/agent-tasks?status=open')).json<{
          items: { taskId: string; kind: string }[];
        }>();
        return tasks.items.find((t) => t.kind === 'handoff');
      });
      await eventually('the journey held', async () =>
        (await h.status(journey)).stage === 'paused' ? true : undefined,
      );
      await eventually('the handoff acknowledged', async () => ((await replies()).length === 2 ? true : undefined));

      // While a person has the conversation, the assistant stays quiet; the agent answers through the API.
      await buyerWrites(whatsapp, '¿Hola?');
      const path = `/v1/conversations/${encodeURIComponent(conversationId)}`;
      const agentReply = await api('POST', `${path}/messages`, { text: 'Hola, soy Ana. Te ayudo con la fecha.' });
      expect(agentReply.statusCode, agentReply.body).toBe(201);
      const sent = await replies();
      expect(sent.map((a) => a.body).at(-1)).toBe('Hola, soy Ana. Te ayudo con la fecha.');
      expect(sent).toHaveLength(3);

      // The agent closes the task: the journey resumes.
      const closed = await api('POST', `/v1/agent-tasks/${encodeURIComponent(task.taskId)}/close`, {
        resolution: 'called',
      });
      expect(closed.statusCode, closed.body).toBe(200);
      await eventually('the journey resumed', async () =>
        (await h.status(journey)).stage !== 'paused' ? true : undefined,
      );

      const history = await findConversationWithMessages(h.db, installment.tenantId, conversationId);
      expect(history!.messages.filter((m) => m.author === 'buyer')).toHaveLength(3);
      expect(history!.messages.filter((m) => m.author === 'agent')).toHaveLength(1);
      expect(history!.messages.find((m) => m.author === 'assistant')!.toolCalls).toEqual(
        expect.arrayContaining([expect.objectContaining({ tool: 'open_installments' })]),
      );

      // A quiet day closes the conversation: its workflow ends, its row says so.
      const conversation: WorkflowHandle<typeof buyerConversation> = h.env.client.workflow.getHandle(conversationId);
      await h.env.sleep(DAY + 60 * 60_000);
      skipped = (await h.env.currentTimeMs()) - Date.now();
      await eventually('the conversation closed', async () => {
        const row = await findConversationWithMessages(h.db, installment.tenantId, conversationId);
        return row?.conversation.status === 'closed' ? row : undefined;
      });
      expect((await conversation.describe()).status.name).toBe('COMPLETED');
      // An agent can no longer write: the conversation (and WhatsApp's window) closed with the quiet day.
      const late = await api('POST', `${path}/messages`, { text: '¿Sigues ahí?' });
      expect(late.statusCode, late.body).toBe(409);

      // The buyer writes again: the conversation opens again, with its history, and is answered anew.
      await buyerWrites(whatsapp, 'Hola otra vez, ¿cuánto debo?');
      await eventually('the answer to the reopened conversation', async () => {
        const sent = await replies();
        return sent.length === 4 && sent[3]!.status === 'sent' ? sent : undefined;
      });
      const reopened = await findConversationWithMessages(h.db, installment.tenantId, conversationId);
      expect(reopened!.conversation.status).toBe('open');
      expect(reopened!.messages.filter((m) => m.author === 'assistant').length).toBeGreaterThanOrEqual(3);
      await exportHistory('time-skipping/conversation-handoff-closed', conversation);
    });

    it('a buyer promises to pay by WhatsApp: recorded as the assistant’s, and no reminder until the day plus grace', async () => {
      const whatsapp = `+141555502${10 + Math.floor(Math.random() * 90)}`;
      const { installment, journeyId, handle: journey } = await h.startJourney({ buyer: { whatsapp, locale: 'es' } });
      const conversationId = conversationWorkflowId(installment.tenantId, installment.buyer.id, 'whatsapp');
      await eventually('the journey on record', () =>
        findJourney(h.db, installment.tenantId, installment.installmentId),
      );
      // Two days before the due date: without the promise, the -3 reminder would fall before it.
      const promised = addDays(installment.dueDate, -2);
      const [year, month, day] = promised.split('-');
      await buyerWrites(whatsapp, `Te pago el ${day}/${month}/${year}`);

      const [reply] = await eventually('the promise acknowledged', async () => {
        const sent = (await listAttempts(h.db, conversationId)).filter(
          (a) => a.template === CONVERSATION_REPLY_TEMPLATE && a.status === 'sent',
        );
        return sent.length === 1 ? sent : undefined;
      });
      expect(reply!.body).toContain(formatDate(promised, 'es'));
      expect(reply!.body).toContain(formatAmount(installment.amount.amountMinor, installment.amount.currency, 'es'));
      const status = await eventually('the journey holding', async () => {
        const s = await h.status(journey);
        return s.promise ? s : undefined;
      });
      expect(status).toMatchObject({ stage: 'paused', promise: { date: promised } });
      const holdsUntil = Date.parse(status.promise!.holdsUntil);
      const history = await findConversationWithMessages(h.db, installment.tenantId, conversationId);
      expect(history!.messages.find((m) => m.author === 'assistant')!.toolCalls).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ tool: 'promise_to_pay', result: expect.objectContaining({ outcome: 'promised' }) }),
        ]),
      );

      // Server time past the promise and its grace, to the first reminder after it: none before.
      await h.untilSent(journey, 1);
      const attempts = await eventually('a reminder on record', async () => {
        const rows = await h.attempts(journeyId);
        return rows.length >= 1 ? rows : undefined;
      });
      for (const a of attempts) expect(a.sentAt!.getTime()).toBeGreaterThanOrEqual(holdsUntil);
      expect(await h.eventTypes(journeyId)).toEqual(expect.arrayContaining(['promise_made', 'promise_broken']));
      // The journey's record says who took the buyer's word: the assistant.
      const made = (await listEvents(h.db, journeyId)).find((e) => e.type === 'promise_made');
      expect(made?.payload).toMatchObject({ actor: { kind: 'system', id: 'assistant' } });
    });

    it('a long conversation continues as new with its state: every message taken once, the turns counted on', async () => {
      const buyerId = `buyer-long-${Math.random().toString(36).slice(2, 8)}`;
      const ref = { tenantId: 'tenant-a', buyerId, channel: 'whatsapp' as const };
      const conversationId = conversationWorkflowId(ref.tenantId, ref.buyerId, ref.channel);
      await upsertConversation(h.db, {
        id: conversationId,
        ...ref,
        address: '+14155550199',
        locale: 'en',
        at: new Date(await h.env.currentTimeMs()),
      });
      const gateway = new TemporalConversationGateway(h.env.client, h.taskQueue);
      const handle: WorkflowHandle<typeof buyerConversation> = h.env.client.workflow.getHandle(conversationId);
      // Ids the conversation does not hold: each turn answers nothing, and the history still grows.
      let sent = 0;
      const firstRun = await (async () => {
        await gateway.buyerWrote(ref, { messageId: `in/long-${sent++}`, receivedAt: new Date().toISOString() });
        return (await handle.describe()).runId;
      })();
      while ((await handle.describe()).runId === firstRun) {
        if (sent >= 6_000)
          throw new Error(`never continued as new (${(await handle.describe()).historyLength} events)`);
        await Promise.all(
          Array.from({ length: 50 }, () =>
            gateway.buyerWrote(ref, { messageId: `in/long-${sent++}`, receivedAt: new Date().toISOString() }),
          ),
        );
        // The workflow looks at the server's suggestion when it has answered everything: let it.
        await eventually('the burst answered', async () => {
          const { runId } = await handle.describe();
          return runId !== firstRun || (await handle.query(conversationStateQuery)).pending.length === 0
            ? true
            : undefined;
        });
      }
      const carried = await eventually('the next run answering', async () => {
        const state = await handle.query(conversationStateQuery);
        return state.pending.length === 0 ? state : undefined;
      });
      expect(carried.turns).toBeGreaterThan(0);
      expect(carried.seen.length).toBeLessThanOrEqual(SEEN_MESSAGES_KEPT);
      // A message redelivered from before the new run is still taken once.
      const lastSeen = carried.seen.at(-1)!;
      await gateway.buyerWrote(ref, { messageId: lastSeen, receivedAt: new Date().toISOString() });
      expect((await handle.query(conversationStateQuery)).pending).toEqual([]);
      const runs = [h.env.client.workflow.getHandle(conversationId, firstRun), handle];
      await exportHistory('time-skipping/conversation-continued-as-new', ...runs);
    });
  },
);
