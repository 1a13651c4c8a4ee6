import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONVERSATION_IDLE_MS,
  MAX_AGENT_REPLY_LENGTH,
  SEEN_MESSAGES_KEPT,
  agentReplyRefusal,
  conversationWorkflowId,
  handedOff,
  handoffClosed,
  idleDeadline,
  newConversation,
  replyWindowOpen,
  takeBuyerMessage,
} from '../../domain/conversation';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;

/** A stream of buyer messages as the webhook signals them, redeliveries included. */
const deliveries = fc.array(
  fc.record({ messageId: fc.constantFrom('in/a', 'in/b', 'in/c', 'in/d', 'in/e'), offset: fc.nat(HOUR) }),
  { maxLength: 30 },
);

describe('a conversation takes each buyer message once', () => {
  it('queues every distinct message exactly once, in the order it first came, whatever is redelivered', () => {
    fc.assert(
      fc.property(deliveries, (stream) => {
        let state = newConversation(T0);
        for (const { messageId, offset } of stream)
          state = takeBuyerMessage(state, { messageId, receivedAt: T0 + offset }, T0 + HOUR);
        const firstSeen = [...new Set(stream.map((d) => d.messageId))];
        expect(state.pending).toEqual(firstSeen);
      }),
    );
  });

  it('counts the reply window from the latest message, never from a clock ahead of the workflow', () => {
    fc.assert(
      fc.property(
        deliveries.filter((s) => s.length > 0),
        fc.nat(2 * HOUR),
        (stream, skew) => {
          let state = newConversation(T0);
          const now = T0 + HOUR;
          for (const { messageId, offset } of stream)
            state = takeBuyerMessage(state, { messageId, receivedAt: T0 + offset + skew }, now);
          const distinct = new Map<string, number>();
          for (const d of stream) if (!distinct.has(d.messageId)) distinct.set(d.messageId, T0 + d.offset + skew);
          const latest = Math.max(...[...distinct.values()].map((at) => Math.min(at, now)));
          expect(state.lastInboundAt).toBe(latest);
          expect(state.lastInboundAt!).toBeLessThanOrEqual(now);
        },
      ),
    );
  });

  it('forgets only ids older than the last ones it keeps', () => {
    let state = newConversation(T0);
    for (let i = 0; i < SEEN_MESSAGES_KEPT + 5; i++)
      state = takeBuyerMessage(state, { messageId: `in/${i}`, receivedAt: T0 }, T0);
    expect(state.seen).toHaveLength(SEEN_MESSAGES_KEPT);
    expect(takeBuyerMessage(state, { messageId: `in/${SEEN_MESSAGES_KEPT + 4}`, receivedAt: T0 }, T0)).toBe(state);
  });
});

describe('handoff', () => {
  it('only the open task’s close gives the conversation back to the assistant', () => {
    const held = handedOff(newConversation(T0), 'task-1');
    expect(held.status).toBe('handoff');
    expect(handoffClosed(held, 'task-0')).toBe(held);
    expect(handoffClosed(held, 'task-1')).toMatchObject({ status: 'open', handoffTaskId: null });
  });
});

describe('inactivity and the reply window', () => {
  it('closes a day after the last message either way', () => {
    const state = takeBuyerMessage(newConversation(T0), { messageId: 'in/a', receivedAt: T0 + HOUR }, T0 + 2 * HOUR);
    expect(idleDeadline(state)).toBe(T0 + 2 * HOUR + CONVERSATION_IDLE_MS);
  });

  it('lets an agent write only while they have the conversation', () => {
    const state = takeBuyerMessage(newConversation(T0), { messageId: 'in/a', receivedAt: T0 }, T0);
    const open = () => true;
    expect(agentReplyRefusal(state, 'Hi, this is Ana', open)).toBe('no_handoff');
    expect(agentReplyRefusal(handedOff(state, 'task-1'), 'Hi, this is Ana', open)).toBeNull();
    expect(agentReplyRefusal(handoffClosed(handedOff(state, 'task-1'), 'task-1'), 'Hi', open)).toBe('no_handoff');
  });

  it('lets an agent write on WhatsApp only inside the 24-hour window, on SMS at any time', () => {
    const state = handedOff(takeBuyerMessage(newConversation(T0), { messageId: 'in/a', receivedAt: T0 }, T0), 'task-1');
    const whatsapp = (now: number) => (at: number | null) => replyWindowOpen('whatsapp', at, now);
    expect(agentReplyRefusal(state, 'Hi, this is Ana', whatsapp(T0 + 23 * HOUR))).toBeNull();
    expect(agentReplyRefusal(state, 'Hi, this is Ana', whatsapp(T0 + 24 * HOUR))).toBe('window_closed');
    expect(agentReplyRefusal(handedOff(newConversation(T0), 'task-1'), 'Hi', whatsapp(T0))).toBe('window_closed');
    expect(replyWindowOpen('sms', null, T0)).toBe(true);
  });

  it('refuses an empty or over-long reply before anything else', () => {
    const state = handedOff(newConversation(T0), 'task-1');
    const open = () => true;
    expect(agentReplyRefusal(state, '   ', open)).toBe('empty');
    expect(agentReplyRefusal(state, 42, open)).toBe('empty');
    expect(agentReplyRefusal(state, 'x'.repeat(MAX_AGENT_REPLY_LENGTH + 1), open)).toBe('too_long');
    expect(agentReplyRefusal(state, 'x'.repeat(MAX_AGENT_REPLY_LENGTH), open)).toBeNull();
  });
});

describe('identity', () => {
  it('names the tenant, the buyer and the channel, never an address', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.stringMatching(/^[a-z0-9-]{1,20}$/), (tenant, buyer) => {
        const id = conversationWorkflowId(tenant, buyer, 'whatsapp');
        expect(id).toBe(`conversation/${tenant}/${buyer}/whatsapp`);
        expect(id).not.toMatch(/\+\d|@/);
      }),
    );
  });
});
