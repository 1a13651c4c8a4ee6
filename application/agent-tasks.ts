/**
 * Work for a person. A handoff (the assistant's handoff_to_human, or the buyer asking for a
 * human) opens a task: stored, the conversation marked `handoff`, every open journey of the
 * buyer told to hold its reminders (the `handoff` signal; each journey's policy says how long),
 * the seller notified. A ladder step that asks for a call opens a task too. An agent closes the
 * task: the journeys resume (only from that task's hold), the conversation answers with the
 * assistant again, and both histories say so.
 */
import type { Database } from '../db/client';
import {
  type AgentTaskRow,
  closeAgentTaskRow,
  findConversation,
  openAgentTask,
  openJourneysOfBuyer,
  recordOutboundMessage,
  setConversationStatus,
} from '../db/conversation-repository';
import { type ConversationChannel, CONVERSATION_CHANNELS } from '../domain/conversation';
import type { Actor } from '../domain/journey';
import { handoffHoldHours } from '../domain/policy';
import type { ConversationGateway } from './conversation-gateway';
import { type FanOutLog, type FanOutOutcome, messageJourneys } from './fan-out';
import type { JourneyGateway } from './journey-gateway';
import type { PolicyCatalog } from './policy-catalog';

/** What the seller hears of a task: identifiers, the reason and where to look. Never the buyer's words or address. */
export interface SellerNotification {
  tenantId: string;
  taskId: string;
  kind: AgentTaskRow['kind'];
  reason: string;
  buyerId: string;
  conversationId: string | null;
  journeyId: string | null;
}

export interface SellerNotifier {
  /**
   * Tells the seller a task is open; `no_address` when the tenant has no notification address,
   * `refused` when the provider refused the address for good. Idempotent by task id; throws when
   * the provider could not be reached (a retry sends it).
   */
  taskOpened(notification: SellerNotification): Promise<'sent' | 'no_address' | 'refused'>;
}

export interface AgentTaskDeps {
  db: Database;
  gateway: JourneyGateway;
  policies: PolicyCatalog;
  /** The buyer's conversations, told when a handoff closes; none = not told (no conversation workflow). */
  conversations?: ConversationGateway | undefined;
  /** None = the seller is not notified (the task is still listed). */
  notifier?: SellerNotifier | undefined;
  log: FanOutLog;
  now: () => number;
}

const HOUR = 3_600_000;

export interface OpenedTask {
  task: AgentTaskRow;
  created: boolean;
  /** What became of each of the buyer's open journeys (handoffs only). */
  journeys: FanOutOutcome[];
  notified: 'sent' | 'no_address' | 'refused' | 'not_configured' | 'failed';
}

/**
 * Opens the handoff task `taskId` (again: idempotent, the stored task stands): the conversation is
 * a person's until the task closes, and the buyer's journeys hold their reminders meanwhile.
 * The signals and the notification are repeated on a repeated call (both are idempotent), so a
 * retry after a failure completes what the first call began; a failed notification throws last.
 */
export async function openHandoffTask(
  deps: AgentTaskDeps,
  input: { tenantId: string; buyerId: string; conversationId: string; reason: string; taskId: string },
): Promise<OpenedTask> {
  const now = deps.now();
  const journeys = await openJourneysOfBuyer(deps.db, input.tenantId, input.buyerId);
  const hours = await Promise.all(
    journeys.map(async (j) => {
      const policy = await deps.policies.version(input.tenantId, j.policyId, j.policyVersion).catch(() => null);
      return handoffHoldHours(policy ?? {});
    }),
  );
  const { task, created } = await openAgentTask(deps.db, {
    id: input.taskId,
    tenantId: input.tenantId,
    buyerId: input.buyerId,
    kind: 'handoff',
    conversationId: input.conversationId,
    reason: input.reason,
    holdUntil: hours.length > 0 ? new Date(now + Math.max(...hours) * HOUR) : null,
    at: new Date(now),
  });
  if (task.status === 'open') {
    await setConversationStatus(deps.db, input.tenantId, input.conversationId, 'handoff', new Date(now));
    await recordSystemMessage(deps.db, input.tenantId, input.conversationId, `${task.id}/opened`, now, {
      text: `Handed over to a person (${task.reason}).`,
    });
  }
  const outcomes =
    task.status === 'open'
      ? await messageJourneys(
          journeys.map((j) => ({ tenantId: input.tenantId, installmentId: j.installmentId, journeyId: j.journeyId })),
          (ref) => deps.gateway.handoff(ref, { taskId: task.id, state: 'opened', actor: ASSISTANT_ACTOR }),
          deps.log,
          'handoff opened',
        )
      : [];
  const notified = task.status === 'open' ? await notify(deps, task) : 'not_configured';
  return { task, created, journeys: outcomes, notified };
}

/** Who opens a handoff: the conversation's assistant (on the buyer's request or its own judgement). */
export const ASSISTANT_ACTOR: Actor = { kind: 'system', id: 'assistant' };

/**
 * Opens the task of a ladder step that asks a person to call the buyer (`agent` steps):
 * stored and notified, idempotent by `taskId`. It holds nothing: the ladder goes on.
 */
export async function openCallTask(
  deps: AgentTaskDeps,
  input: { tenantId: string; buyerId: string; journeyId: string; reason: string; taskId: string },
): Promise<Omit<OpenedTask, 'journeys'>> {
  const { task, created } = await openAgentTask(deps.db, {
    id: input.taskId,
    tenantId: input.tenantId,
    buyerId: input.buyerId,
    kind: 'call',
    journeyId: input.journeyId,
    reason: input.reason,
    at: new Date(deps.now()),
  });
  const notified = task.status === 'open' ? await notify(deps, task) : 'not_configured';
  return { task, created, notified };
}

export type CloseTaskResult =
  | {
      kind: 'closed' | 'already_closed';
      task: AgentTaskRow;
      journeys: FanOutOutcome[];
      conversation: 'delivered' | 'not_running' | 'none';
    }
  | { kind: 'not_found' };

/**
 * An agent closes the task. A handoff's journeys are told (each resumes unless something else
 * holds it) and so is its conversation; the conversation's history records the close. Repeating
 * a close repeats the messages (idempotent) but keeps the first close's actor and resolution.
 */
export async function closeAgentTask(
  deps: AgentTaskDeps,
  input: { tenantId: string; taskId: string; actor: Actor; resolution?: string | null | undefined },
): Promise<CloseTaskResult> {
  const now = deps.now();
  const result = await closeAgentTaskRow(deps.db, {
    tenantId: input.tenantId,
    taskId: input.taskId,
    closedBy: { kind: input.actor.kind, id: input.actor.id },
    resolution: input.resolution ?? null,
    at: new Date(now),
  });
  if (!result) return { kind: 'not_found' };
  const { task } = result;
  const kind = result.closed ? 'closed' : 'already_closed';
  if (task.kind !== 'handoff') return { kind, task, journeys: [], conversation: 'none' };

  const journeys = await openJourneysOfBuyer(deps.db, task.tenantId, task.buyerId);
  const outcomes = await messageJourneys(
    journeys.map((j) => ({ tenantId: task.tenantId, installmentId: j.installmentId, journeyId: j.journeyId })),
    (ref) => deps.gateway.handoff(ref, { taskId: task.id, state: 'closed', actor: input.actor }),
    deps.log,
    'handoff closed',
  );
  let conversation: 'delivered' | 'not_running' | 'none' = 'none';
  const row = task.conversationId ? await findConversation(deps.db, task.tenantId, task.conversationId) : null;
  if (row) {
    if (result.closed) {
      if (row.status === 'handoff') await setConversationStatus(deps.db, row.tenantId, row.id, 'open', new Date(now));
      await recordSystemMessage(deps.db, row.tenantId, row.id, `${task.id}/closed`, now, {
        text: 'The person closed the handoff; the assistant answers again.',
        authorId: input.actor.id,
      });
    }
    if (deps.conversations && isConversationChannel(row.channel)) {
      conversation = await deps.conversations
        .handoffClosed(
          { tenantId: row.tenantId, buyerId: row.buyerId, channel: row.channel },
          { taskId: task.id, actor: input.actor },
        )
        .catch((err: unknown) => {
          deps.log.warn({ err, conversationId: row.id }, 'handoff closed: the conversation could not be reached');
          return 'not_running' as const;
        });
    }
  }
  return { kind, task, journeys: outcomes, conversation };
}

function isConversationChannel(channel: string): channel is ConversationChannel {
  return (CONVERSATION_CHANNELS as readonly string[]).includes(channel);
}

async function notify(deps: AgentTaskDeps, task: AgentTaskRow): Promise<OpenedTask['notified']> {
  if (!deps.notifier) return 'not_configured';
  // The task is stored and listed whatever the email does: a provider outage must not undo or
  // repeat what opening it did (an assistant's turn would run its tools again).
  return deps.notifier
    .taskOpened({
      tenantId: task.tenantId,
      taskId: task.id,
      kind: task.kind,
      reason: task.reason,
      buyerId: task.buyerId,
      conversationId: task.conversationId,
      journeyId: task.journeyId,
    })
    .catch((err: unknown) => {
      deps.log.warn(
        { taskId: task.id, error: err instanceof Error ? err.message : String(err) },
        'the seller could not be notified of a task',
      );
      return 'failed' as const;
    });
}

/** A line in the conversation's history that no one sent to the buyer: the handoff's open and close. */
async function recordSystemMessage(
  db: Database,
  tenantId: string,
  conversationId: string,
  key: string,
  at: number,
  message: { text: string; authorId?: string },
): Promise<void> {
  const conversation = await findConversation(db, tenantId, conversationId);
  if (!conversation) return;
  await recordOutboundMessage(db, {
    id: `${conversationId}/system/${key}`,
    conversationId,
    tenantId,
    author: 'system',
    authorId: message.authorId ?? null,
    text: message.text,
    at: new Date(at),
  });
}
