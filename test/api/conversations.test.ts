/**
 * Conversations and agent tasks through the API (real routes, schemas and database; the journey
 * and conversation gateways are our doubles): pages and history, an agent's reply sent or
 * refused by the conversation, a task's close resuming the journeys it held, the permissions,
 * and bad input answered 4xx naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHandoffTask } from '../../application/agent-tasks';
import { builtInPolicies } from '../../application/policy-catalog';
import { recordInboundMessage, recordOutboundMessage, upsertConversation } from '../../db/conversation-repository';
import { conversationWorkflowId } from '../../domain/conversation';
import { journeyWorkflowId } from '../../workflows/messages';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { InMemoryConversationGateway } from '../support/in-memory-conversation-gateway';
import { type ApiHarness, TENANT_B_KEY, createCollaboratorKey, startApi, startBody } from './support';

/** Wednesday 2026-12-02 12:00 UTC. */
const NOW = Date.UTC(2026, 11, 2, 12, 0);
const HOUR = 3_600_000;

interface Problem {
  status: number;
  reason?: string;
  errors?: { in?: string; path: string; message: string }[];
}

describeEachDatabase('conversations API', (getDb) => {
  let api: ApiHarness;
  let conversations: InMemoryConversationGateway;
  beforeAll(async () => {
    conversations = new InMemoryConversationGateway();
    api = await startApi(getDb(), () => NOW, { conversations });
  });
  afterAll(async () => {
    await api.app.close();
  });

  const url = (conversationId: string) => `/v1/conversations/${encodeURIComponent(conversationId)}`;

  /** A buyer with two journeys and a WhatsApp conversation of three messages. */
  async function buyerInConversation() {
    const buyerId = uniqueId('buyer');
    const installments = [uniqueId('inst'), uniqueId('inst')];
    for (const installmentId of installments) {
      const started = await api.call({
        method: 'POST',
        url: '/v1/journeys',
        payload: startBody(installmentId, { buyer: { ...startBody(installmentId).buyer, id: buyerId } }),
      });
      expect(started.statusCode).toBe(201);
    }
    const conversationId = conversationWorkflowId('tenant-a', buyerId, 'whatsapp');
    await upsertConversation(getDb(), {
      id: conversationId,
      tenantId: 'tenant-a',
      buyerId,
      channel: 'whatsapp',
      address: '+5511999990000',
      locale: 'pt-BR',
      at: new Date(NOW - 2 * HOUR),
    });
    await recordInboundMessage(getDb(), {
      conversationId,
      tenantId: 'tenant-a',
      providerMessageId: uniqueId('SM'),
      text: 'quanto devo?',
      at: new Date(NOW - 2 * HOUR),
    });
    await recordOutboundMessage(getDb(), {
      id: `${conversationId}/turn/1`,
      conversationId,
      tenantId: 'tenant-a',
      author: 'assistant',
      text: 'Você tem 2 parcelas em aberto.',
      engine: 'openai',
      toolCalls: [{ tool: 'open_installments', arguments: {}, result: { installments: [] } }],
      guardrail: null,
      at: new Date(NOW - 2 * HOUR + 1000),
    });
    return {
      buyerId,
      installments,
      conversationId,
      ref: { tenantId: 'tenant-a', buyerId, channel: 'whatsapp' as const },
    };
  }

  describe('reading', () => {
    it('lists conversations newest first with a cursor, filtered by status', async () => {
      const first = await buyerInConversation();
      const second = await buyerInConversation();
      const page1 = await api.call({ method: 'GET', url: '/v1/conversations?limit=1' });
      expect(page1.statusCode).toBe(200);
      const body1 = page1.json() as { items: { conversationId: string; url: string }[]; nextCursor: string | null };
      expect(body1.items).toHaveLength(1);
      expect(body1.nextCursor).not.toBeNull();
      const page2 = await api.call({ method: 'GET', url: `/v1/conversations?limit=1&cursor=${body1.nextCursor}` });
      const body2 = page2.json() as typeof body1;
      expect(body2.items[0]?.conversationId).not.toBe(body1.items[0]?.conversationId);
      expect([first.conversationId, second.conversationId]).toContain(body1.items[0]?.conversationId);
      expect(body1.items[0]?.url).toBe(url(body1.items[0]!.conversationId));
      const handoffs = await api.call({ method: 'GET', url: '/v1/conversations?status=handoff' });
      expect((handoffs.json() as typeof body1).items.map((i) => i.conversationId)).not.toContain(first.conversationId);
      // Another tenant sees none of them.
      const other = await api.call({ method: 'GET', url: '/v1/conversations', key: TENANT_B_KEY });
      expect(other.body).not.toContain(first.buyerId);
    });

    it('answers one conversation with its messages: author, engine, tool calls, guardrail, time — no address', async () => {
      const { conversationId } = await buyerInConversation();
      const response = await api.call({ method: 'GET', url: url(conversationId) });
      expect(response.statusCode).toBe(200);
      const body = response.json() as { status: string; messages: Record<string, unknown>[] };
      expect(body.status).toBe('open');
      expect(body.messages).toEqual([
        expect.objectContaining({ author: 'buyer', direction: 'inbound', text: 'quanto devo?', engine: null }),
        expect.objectContaining({
          author: 'assistant',
          engine: 'openai',
          guardrail: null,
          toolCalls: [{ tool: 'open_installments', arguments: {}, result: { installments: [] } }],
          at: new Date(NOW - 2 * HOUR + 1000).toISOString(),
        }),
      ]);
      expect(response.body).not.toContain('+5511999990000');
      const other = await api.call({ method: 'GET', url: url(conversationId), key: TENANT_B_KEY });
      expect(other.statusCode).toBe(404);
    });

    it('answers 4xx naming the field for a malformed id, status or cursor', async () => {
      const cases: [string, number, string][] = [
        ['/v1/conversations/not-a-conversation', 400, 'conversationId'],
        [`/v1/conversations?status=waiting`, 400, 'status'],
        [`/v1/conversations?cursor=bm9wZQ`, 400, 'cursor'],
        [`/v1/conversations?limit=0`, 400, 'limit'],
        [`/v1/agent-tasks?kind=email`, 400, 'kind'],
      ];
      for (const [path, status, field] of cases) {
        const response = await api.call({ method: 'GET', url: path });
        expect(response.statusCode, path).toBe(status);
        expect(
          (response.json() as Problem).errors?.map((e) => e.path),
          path,
        ).toContain(field);
      }
      const missing = await api.call({ method: 'GET', url: url('conversation/tenant-a/nobody/sms') });
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('agent replies', () => {
    it('are refused (409) without an open handoff, sent (201) with one, 409 when the conversation is not running', async () => {
      const { conversationId, ref } = await buyerInConversation();
      const notRunning = await api.call({
        method: 'POST',
        url: `${url(conversationId)}/messages`,
        payload: { text: 'Oi' },
      });
      expect(notRunning.statusCode).toBe(409);
      expect((notRunning.json() as Problem).reason).toBe('not_running');

      conversations.running.add(conversationId);
      const refused = await api.call({
        method: 'POST',
        url: `${url(conversationId)}/messages`,
        payload: { text: 'Oi' },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((refused.json() as Problem).reason).toBe('no_handoff');

      conversations.handOver(ref, 'task-x');
      const sent = await api.call({
        method: 'POST',
        url: `${url(conversationId)}/messages`,
        payload: { text: '  Olá, aqui é a Bia  ' },
      });
      expect(sent.statusCode).toBe(201);
      expect(sent.json()).toMatchObject({ status: 'sent', messageId: expect.any(String) });
      const call = conversations.calls.at(-1)!;
      expect(call).toMatchObject({ method: 'agentReply', ref, argument: { text: 'Olá, aqui é a Bia' } });
      expect((call.argument as { actor: { kind: string } }).actor.kind).toBe('api_key');

      conversations.refuseNext = 'window_closed';
      const windowClosed = await api.call({
        method: 'POST',
        url: `${url(conversationId)}/messages`,
        payload: { text: 'Ainda aí?' },
      });
      expect(windowClosed.statusCode).toBe(409);
      expect((windowClosed.json() as Problem).reason).toBe('window_closed');
    });

    it('refuses an empty, over-long or NUL-carrying text naming `text`, and another tenant’s conversation (404) without calling it', async () => {
      const { conversationId } = await buyerInConversation();
      const calls = conversations.calls.length;
      for (const text of ['', '   ', 'x'.repeat(1601), 'hello\u0000there']) {
        const response = await api.call({ method: 'POST', url: `${url(conversationId)}/messages`, payload: { text } });
        expect(response.statusCode).toBe(400);
        expect((response.json() as Problem).errors?.map((e) => e.path)).toEqual(['text']);
      }
      const other = await api.call({
        method: 'POST',
        url: `${url(conversationId)}/messages`,
        payload: { text: 'hi' },
        key: TENANT_B_KEY,
      });
      expect(other.statusCode).toBe(404);
      expect(conversations.calls.length).toBe(calls);
    });
  });

  describe('agent tasks', () => {
    it('are listed, and closing a handoff resumes the journeys it held and tells the conversation', async () => {
      const { buyerId, installments, conversationId, ref } = await buyerInConversation();
      const taskId = uniqueId('task');
      await openHandoffTask(
        {
          db: getDb(),
          gateway: api.gateway,
          policies: builtInPolicies,
          log: { warn: () => {}, error: () => {} },
          now: () => NOW,
        },
        { tenantId: 'tenant-a', buyerId, conversationId, reason: 'dispute', taskId },
      );
      conversations.handOver(ref, taskId);
      for (const installmentId of installments)
        expect(api.gateway.journeys.get(journeyWorkflowId('tenant-a', installmentId))!.paused?.heldBy).toBe('handoff');

      const listed = await api.call({ method: 'GET', url: '/v1/agent-tasks?status=open&kind=handoff&limit=200' });
      expect(listed.statusCode).toBe(200);
      expect((listed.json() as { items: { taskId: string }[] }).items).toContainEqual(
        expect.objectContaining({
          taskId,
          reason: 'dispute',
          conversationId,
          holdUntil: new Date(NOW + 48 * HOUR).toISOString(),
        }),
      );
      const conversation = await api.call({ method: 'GET', url: url(conversationId) });
      expect((conversation.json() as { status: string }).status).toBe('handoff');

      const closeUrl = `/v1/agent-tasks/${encodeURIComponent(taskId)}/close`;
      const tooLong = await api.call({ method: 'POST', url: closeUrl, payload: { resolution: 'x'.repeat(1001) } });
      expect(tooLong.statusCode).toBe(400);
      expect((tooLong.json() as Problem).errors?.map((e) => e.path)).toEqual(['resolution']);

      const closed = await api.call({ method: 'POST', url: closeUrl, payload: { resolution: 'pays on the 10th' } });
      expect(closed.statusCode).toBe(200);
      expect(closed.json()).toMatchObject({
        taskId,
        status: 'closed',
        alreadyClosed: false,
        resolution: 'pays on the 10th',
        closedBy: { kind: 'api_key' },
        journeys: { applied: 2, notRunning: 0, unavailable: 0 },
      });
      for (const installmentId of installments)
        expect(api.gateway.journeys.get(journeyWorkflowId('tenant-a', installmentId))!.paused).toBeNull();
      expect(conversations.calls.at(-1)).toMatchObject({ method: 'handoffClosed', ref, argument: { taskId } });
      const after = await api.call({ method: 'GET', url: url(conversationId) });
      const history = after.json() as { status: string; messages: { author: string }[] };
      expect(history.status).toBe('open');
      expect(history.messages.map((m) => m.author)).toEqual(['buyer', 'assistant', 'system', 'system']);

      const again = await api.call({ method: 'POST', url: closeUrl });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ alreadyClosed: true, resolution: 'pays on the 10th' });
      const missing = await api.call({ method: 'POST', url: '/v1/agent-tasks/nope/close', payload: {} });
      expect(missing.statusCode).toBe(404);
      const otherTenant = await api.call({ method: 'POST', url: closeUrl, payload: {}, key: TENANT_B_KEY });
      expect(otherTenant.statusCode).toBe(404);
    });
  });

  describe('permissions and the tenant’s notification address', () => {
    it('support agents read and reply; analysts do not read conversations', async () => {
      const { conversationId } = await buyerInConversation();
      const support = await createCollaboratorKey(api, 'support_agent');
      const analyst = await createCollaboratorKey(api, 'analyst');
      expect((await api.call({ method: 'GET', url: url(conversationId), key: support.secret })).statusCode).toBe(200);
      expect((await api.call({ method: 'GET', url: '/v1/agent-tasks', key: support.secret })).statusCode).toBe(200);
      const denied = await api.call({ method: 'GET', url: '/v1/conversations', key: analyst.secret });
      expect(denied.statusCode).toBe(403);
      expect((denied.json() as Problem).reason).toBe('conversations:read');
    });

    it('the owner sets the notification email with PATCH /v1/tenant (400 naming it when not an address)', async () => {
      const set = await api.call({
        method: 'PATCH',
        url: '/v1/tenant',
        payload: { notificationEmail: 'ops@acme.test' },
      });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toMatchObject({ notificationEmail: 'ops@acme.test' });
      const bad = await api.call({ method: 'PATCH', url: '/v1/tenant', payload: { notificationEmail: 'nope' } });
      expect(bad.statusCode).toBe(400);
      expect((bad.json() as Problem).errors?.map((e) => e.path)).toEqual(['notificationEmail']);
      const cleared = await api.call({ method: 'PATCH', url: '/v1/tenant', payload: { notificationEmail: null } });
      expect(cleared.json()).toMatchObject({ notificationEmail: null });
    });
  });
});
