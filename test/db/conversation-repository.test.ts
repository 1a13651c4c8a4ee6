/**
 * Conversations, their messages and agent tasks on PostgreSQL and PGlite: a redelivered message
 * is one message, a closed conversation reopens with its history, lists page newest first, a
 * task opens and closes once, and another tenant never reaches any of them.
 */
import { expect, it } from 'vitest';
import {
  closeAgentTaskRow,
  findConversation,
  findConversationWithMessages,
  listAgentTasks,
  listConversations,
  openAgentTask,
  openJourneysOfBuyer,
  recentMessages,
  recordInboundMessage,
  recordOutboundMessage,
  setConversationStatus,
  upsertConversation,
} from '../../db/conversation-repository';
import { conversationWorkflowId } from '../../domain/conversation';
import { defaultPolicy } from '../../domain/policy';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';

const T0 = new Date('2026-12-02T12:00:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describeEachDatabase('conversation repository', (getDb) => {
  const open = async (buyerId = uniqueId('buyer'), tenantId = 'tenant-a') => {
    const id = conversationWorkflowId(tenantId, buyerId, 'whatsapp');
    const { conversation } = await upsertConversation(getDb(), {
      id,
      tenantId,
      buyerId,
      channel: 'whatsapp',
      address: '+5511999990000',
      replyFrom: '+5511888880000',
      locale: 'pt-BR',
      at: T0,
    });
    return conversation;
  };

  it('records a buyer message once (a redelivered webhook), and moves the last inbound instant', async () => {
    const conversation = await open();
    const message = {
      conversationId: conversation.id,
      tenantId: 'tenant-a',
      providerMessageId: 'SM1',
      text: 'oi',
      at: later(1),
    };
    expect(await recordInboundMessage(getDb(), message)).toEqual({ messageId: 'in/SM1', created: true });
    expect(await recordInboundMessage(getDb(), message)).toEqual({ messageId: 'in/SM1', created: false });
    const row = await findConversation(getDb(), 'tenant-a', conversation.id);
    expect(row?.lastInboundAt).toEqual(later(1));
    expect(row?.lastMessageAt).toEqual(later(1));
    expect(await recentMessages(getDb(), conversation.id, 10)).toHaveLength(1);
  });

  it('records outbound messages once, with engine, tool calls and guardrail; history reads oldest first', async () => {
    const conversation = await open();
    const base = { conversationId: conversation.id, tenantId: 'tenant-a' };
    await recordInboundMessage(getDb(), { ...base, providerMessageId: 'SM2', text: 'quanto devo?', at: later(1) });
    const reply = {
      ...base,
      id: `${conversation.id}/turn/1`,
      author: 'assistant' as const,
      text: 'R$ 49,90',
      engine: 'openai',
      toolCalls: [{ tool: 'open_installments', arguments: {}, result: { installments: [] } }],
      guardrail: null,
      at: later(2),
    };
    expect(await recordOutboundMessage(getDb(), reply)).toBe(true);
    expect(await recordOutboundMessage(getDb(), reply)).toBe(false);
    await recordOutboundMessage(getDb(), {
      ...base,
      id: `${conversation.id}/agent/1`,
      author: 'agent',
      authorId: 'key-1',
      text: 'Olá, sou a Bia',
      at: later(3),
    });
    const found = await findConversationWithMessages(getDb(), 'tenant-a', conversation.id);
    expect(found?.messages.map((m) => [m.author, m.direction, m.engine, m.authorId])).toEqual([
      ['buyer', 'inbound', null, null],
      ['assistant', 'outbound', 'openai', null],
      ['agent', 'outbound', null, 'key-1'],
    ]);
    expect(found?.messages[1]?.toolCalls).toEqual(reply.toolCalls);
    expect((await recentMessages(getDb(), conversation.id, 2)).map((m) => m.author)).toEqual(['assistant', 'agent']);
    expect(await findConversationWithMessages(getDb(), 'tenant-b', conversation.id)).toBeNull();
  });

  it('a closed conversation reopens with its history; one with a person keeps its status', async () => {
    const conversation = await open();
    await setConversationStatus(getDb(), 'tenant-a', conversation.id, 'closed', later(5));
    expect((await findConversation(getDb(), 'tenant-a', conversation.id))?.closedAt).toEqual(later(5));
    const reopened = await upsertConversation(getDb(), {
      id: conversation.id,
      tenantId: 'tenant-a',
      buyerId: conversation.buyerId,
      channel: 'whatsapp',
      address: '+5511999990001',
      locale: 'pt-BR',
      at: later(10),
    });
    expect(reopened.reopened).toBe(true);
    expect(reopened.conversation).toMatchObject({
      status: 'open',
      closedAt: null,
      openedAt: later(10),
      address: '+5511999990001',
      replyFrom: '+5511888880000',
    });
    await setConversationStatus(getDb(), 'tenant-a', conversation.id, 'handoff', later(11));
    const again = await upsertConversation(getDb(), {
      id: conversation.id,
      tenantId: 'tenant-a',
      buyerId: conversation.buyerId,
      channel: 'whatsapp',
      address: '+5511999990001',
      locale: 'pt-BR',
      at: later(12),
    });
    expect(again).toMatchObject({ reopened: false, conversation: { status: 'handoff' } });
  });

  it('lists a tenant’s conversations newest first, filtered by status, page after page', async () => {
    const tenantId = uniqueId('tenant-list');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const buyerId = `b${i}`;
      const id = conversationWorkflowId(tenantId, buyerId, 'whatsapp');
      ids.push(id);
      await upsertConversation(getDb(), {
        id,
        tenantId,
        buyerId,
        channel: 'whatsapp',
        address: `+551199999000${i}`,
        locale: 'en',
        at: later(i % 2 === 0 ? 1 : i),
      });
    }
    await setConversationStatus(getDb(), tenantId, ids[4]!, 'handoff', later(9));
    const all: string[] = [];
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const rows = await listConversations(getDb(), tenantId, {}, { limit: 2, after });
      all.push(...rows.map((r) => r.id));
      if (rows.length < 2) break;
      after = { at: rows.at(-1)!.lastMessageAt, id: rows.at(-1)!.id };
    }
    expect(all).toEqual([ids[3], ids[4], ids[2], ids[1], ids[0]]);
    expect((await listConversations(getDb(), tenantId, { status: 'handoff' }, { limit: 10 })).map((r) => r.id)).toEqual(
      [ids[4]],
    );
    expect(await listConversations(getDb(), 'tenant-b', { status: 'handoff' }, { limit: 10 })).not.toContainEqual(
      expect.objectContaining({ tenantId }),
    );
  });

  it('opens an agent task once, closes it once, and lists by status and kind', async () => {
    const tenantId = uniqueId('tenant-tasks');
    const task = {
      id: uniqueId('task'),
      tenantId,
      buyerId: 'buyer-1',
      kind: 'handoff' as const,
      conversationId: 'conversation/x',
      reason: 'dispute',
      holdUntil: later(48 * 60),
      at: T0,
    };
    const first = await openAgentTask(getDb(), task);
    expect(first).toMatchObject({ created: true, task: { status: 'open', reason: 'dispute' } });
    expect(await openAgentTask(getDb(), { ...task, reason: 'other', at: later(1) })).toMatchObject({
      created: false,
      task: { reason: 'dispute', openedAt: T0 },
    });
    await openAgentTask(getDb(), {
      ...task,
      id: uniqueId('task'),
      kind: 'call',
      journeyId: 'dunning/x/y',
      at: later(1),
    });

    const closed = await closeAgentTaskRow(getDb(), {
      tenantId,
      taskId: task.id,
      closedBy: { kind: 'api_key', id: 'key-1' },
      resolution: 'agreed a new date',
      at: later(30),
    });
    expect(closed).toMatchObject({ closed: true, task: { status: 'closed', resolution: 'agreed a new date' } });
    expect(
      await closeAgentTaskRow(getDb(), {
        tenantId,
        taskId: task.id,
        closedBy: { kind: 'api_key', id: 'k2' },
        at: later(40),
      }),
    ).toMatchObject({ closed: false, task: { closedBy: { id: 'key-1' }, closedAt: later(30) } });
    expect(
      await closeAgentTaskRow(getDb(), {
        tenantId: 'tenant-b',
        taskId: task.id,
        closedBy: { kind: 'x', id: 'y' },
        at: T0,
      }),
    ).toBeNull();

    expect((await listAgentTasks(getDb(), tenantId, {}, { limit: 10 })).map((t) => t.kind)).toEqual([
      'call',
      'handoff',
    ]);
    expect((await listAgentTasks(getDb(), tenantId, { status: 'open' }, { limit: 10 })).map((t) => t.kind)).toEqual([
      'call',
    ]);
    expect((await listAgentTasks(getDb(), tenantId, { kind: 'handoff' }, { limit: 10 })).map((t) => t.id)).toEqual([
      task.id,
    ]);
    const firstPage = await listAgentTasks(getDb(), tenantId, {}, { limit: 1 });
    const secondPage = await listAgentTasks(
      getDb(),
      tenantId,
      {},
      { limit: 1, after: { at: firstPage[0]!.openedAt, id: firstPage[0]!.id } },
    );
    expect(secondPage.map((t) => t.id)).toEqual([task.id]);
  });

  it('finds the buyer’s open journeys in the tenant, not the ended ones', async () => {
    const gateway = new InMemoryJourneyGateway(getDb(), () => T0.getTime());
    const buyerId = uniqueId('buyer');
    const a = makeInstallment({ buyer: { id: buyerId } });
    const b = makeInstallment({ buyer: { id: buyerId }, dueDate: '2026-12-20' });
    const other = makeInstallment({ buyer: { id: uniqueId('buyer') } });
    for (const i of [a, b, other]) await gateway.start(i, defaultPolicy);
    await gateway.cancel({ tenantId: 'tenant-a', installmentId: b.installmentId }, { reason: 'manual' });
    expect(await openJourneysOfBuyer(getDb(), 'tenant-a', buyerId)).toEqual([
      {
        journeyId: `dunning/tenant-a/${a.installmentId}`,
        installmentId: a.installmentId,
        policyId: 'default',
        policyVersion: 1,
      },
    ]);
    expect(await openJourneysOfBuyer(getDb(), 'tenant-b', buyerId)).toEqual([]);
  });
});
