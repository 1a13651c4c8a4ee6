/**
 * A test double of our own ConversationGateway interface (not of the Temporal SDK): it records
 * every call and answers as the conversation workflow would — an agent's reply is sent only while
 * a handoff is open (`handoffs`), `refused` otherwise; a conversation not running answers so.
 */
import type { AgentReplyResult, ConversationGateway, ConversationRef } from '../../application/conversation-gateway';
import { conversationWorkflowId } from '../../domain/conversation';

export interface ConversationGatewayCall {
  method: keyof ConversationGateway;
  ref: ConversationRef;
  argument: unknown;
}

export class InMemoryConversationGateway implements ConversationGateway {
  readonly calls: ConversationGatewayCall[] = [];
  /** Conversations whose workflow runs (by id). */
  readonly running = new Set<string>();
  /** The open handoff's task of each running conversation. */
  readonly handoffs = new Map<string, string>();
  /** The refusal the next agent reply gets, whatever the handoff (e.g. `window_closed`). */
  refuseNext: string | null = null;
  private replies = 0;

  private key(ref: ConversationRef) {
    return conversationWorkflowId(ref.tenantId, ref.buyerId, ref.channel);
  }

  /** The workflow runs with a person holding task `taskId`. */
  handOver(ref: ConversationRef, taskId: string): void {
    this.running.add(this.key(ref));
    this.handoffs.set(this.key(ref), taskId);
  }

  async buyerWrote(ref: ConversationRef, message: { messageId: string; receivedAt: string }) {
    this.calls.push({ method: 'buyerWrote', ref, argument: message });
    this.running.add(this.key(ref));
  }

  async agentReply(ref: ConversationRef, request: Parameters<ConversationGateway['agentReply']>[1]) {
    this.calls.push({ method: 'agentReply', ref, argument: request });
    const key = this.key(ref);
    if (!this.running.has(key)) return { kind: 'not_running' } satisfies AgentReplyResult;
    if (this.refuseNext) {
      const reason = this.refuseNext;
      this.refuseNext = null;
      return { kind: 'refused', reason } satisfies AgentReplyResult;
    }
    if (!this.handoffs.has(key)) return { kind: 'refused', reason: 'no_handoff' } satisfies AgentReplyResult;
    this.replies++;
    return {
      kind: 'sent',
      result: { messageId: `${key}/agent/${this.replies}`, status: 'sent' },
    } satisfies AgentReplyResult;
  }

  async handoffClosed(ref: ConversationRef, request: Parameters<ConversationGateway['handoffClosed']>[1]) {
    this.calls.push({ method: 'handoffClosed', ref, argument: request });
    const key = this.key(ref);
    if (!this.running.has(key)) return 'not_running' as const;
    if (this.handoffs.get(key) === request.taskId) this.handoffs.delete(key);
    return 'delivered' as const;
  }
}
