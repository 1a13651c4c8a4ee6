/**
 * One message for a buyer's installments, as properties: several real journeys of one buyer (the
 * journey state machine, as the workflow drives it) hand their due reminders to a coordinator that
 * decides with domain/grouping.ts, and every message passes the compliance guard against the
 * buyer's contact ledger, as the delivery activity does. Whatever the policy and the schedules:
 * no rolling week holds more contacts than the cap, a message mentions every installment it covers
 * exactly once, every reminder is answered exactly once, and none waits past its window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveChannel } from '../../domain/channels';
import { contactRulesOf, guardSend } from '../../domain/compliance';
import { eventForDelivery, outcomeOfGuard, reminderDelivery, reminderKey } from '../../domain/delivery';
import {
  type GroupedReminder,
  MAX_INSTALLMENTS_PER_MESSAGE,
  STRAGGLER_GRACE_MS,
  buyerKey,
  messageDelivery,
  messageReady,
  nextMessage,
  reminderId,
  reminderStillCurrent,
  sendBy,
  withReminder,
  withoutReminders,
} from '../../domain/grouping';
import {
  type JourneyState,
  channelAvailability,
  dispatch,
  eventOfAction,
  nextMove,
  startJourney,
  withoutConfirmations,
} from '../../domain/journey';
import { addDays } from '../../domain/local-time';
import { renderEmail, renderSms } from '../../domain/messages';
import { type Policy, defaultPolicy, policySchema } from '../../domain/policy';
import { HOUR, installmentFixture, policyArb, timeZoneArb, worstWindow } from '../support/arbitraries';

const START = Date.UTC(2026, 2, 1, 12);
const FIRST_DUE = '2026-03-10';

interface Journey {
  id: string;
  state: JourneyState;
  /** The reminder it handed over and waits for; null when it is not waiting. */
  waitingFor: string | null;
  /** Whether what it waits for next is a reminder (what the coordinator's count asks). */
  wakesToSend: boolean;
  /** When the buyer pays it in full, if they do. */
  paidAt: number | null;
}

interface Sent {
  at: number;
  reminders: GroupedReminder[];
  email: string;
  sms: string;
}

/**
 * The buyer's journeys and their coordinator, in virtual time, until every journey has ended. A
 * journey paid while its reminder waits takes it back (withdrawn), as grouped-reminders.ts does.
 */
function runBuyer(policy: Policy, dueOffsets: number[], timeZone: string, paidAfterHours: (number | null)[] = []) {
  const windowMs = policy.grouping!.windowHours * HOUR;
  const journeys: Journey[] = dueOffsets.map((offset, i) => {
    const installment = installmentFixture({ timezone: timeZone, dueDate: addDays(FIRST_DUE, offset) });
    const input = {
      ...installment,
      installmentId: `inst-${i}`,
      installmentNumber: i + 1,
      product: { id: `p-${i}`, name: `Product-${i}-Z` },
    };
    const paidAfter = paidAfterHours[i] ?? null;
    return {
      id: `dunning/acme/inst-${i}`,
      state: startJourney(input, policy, START).state,
      waitingFor: null,
      wakesToSend: false,
      paidAt: paidAfter === null ? null : START + paidAfter * HOUR,
    };
  });
  let waiting: GroupedReminder[] = [];
  const ledger: number[] = [];
  const messages: Sent[] = [];
  const answered = new Map<string, number>();
  const withdrawn = new Set<string>();
  const handedOver: GroupedReminder[] = [];
  let now = START;

  const apply = (journey: Journey, event: Parameters<typeof dispatch>[1]) => {
    journey.state = dispatch(journey.state, event).state;
  };

  /** Each journey's own moves until it waits (for time, or for its reminder's answer). */
  const advance = (journey: Journey): number | null => {
    for (let i = 0; i < 200; i++) {
      if (journey.waitingFor) return null;
      const move = nextMove(journey.state, now);
      switch (move.kind) {
        case 'done':
          return null;
        case 'wait':
          journey.wakesToSend = move.reason === 'next_step';
          return move.until;
        case 'send': {
          const route = resolveChannel(move.step.channel, channelAvailability(journey.state));
          if (route.kind === 'none') throw new Error('every fixture buyer has every channel');
          const delivery = reminderDelivery(journey.state, move.step, route.channel, journey.id);
          const key = reminderKey(journey.state, move.step.stepIndex, route.channel);
          const reminder = { key, journeyId: journey.id, at: now, windowMs, delivery };
          waiting = withReminder(waiting, reminder);
          handedOver.push(reminder);
          journey.waitingFor = reminderId(reminder);
          return null;
        }
        case 'confirm':
          // The receipt for the payment: not a reminder, not grouped.
          journey.state = withoutConfirmations(journey.state);
          break;
        default:
          apply(journey, eventOfAction(journey.state, move, now));
      }
    }
    throw new Error('a journey kept moving without waiting');
  };

  /** What the buyer's other journeys have due by `until`, as the coordinator's activity counts it. */
  const othersDue = (excluded: Set<string>, until: number) =>
    journeys.filter(
      (j) =>
        !excluded.has(j.id) && j.state.outcome === null && j.wakesToSend && (nextAt.get(j.id) ?? Infinity) <= until,
    ).length;

  /** Payments due by now close their journeys; a reminder still waiting is taken back. */
  const pay = () => {
    for (const j of journeys) {
      if (j.paidAt === null || j.paidAt > now || j.state.outcome !== null) continue;
      const { amount } = j.state.installment;
      apply(j, { type: 'payment_received', at: now, paymentId: `pay-${j.id}`, ...amount });
      if (j.waitingFor) {
        waiting = waiting.filter((r) => reminderId(r) !== j.waitingFor);
        withdrawn.add(j.waitingFor);
        j.waitingFor = null;
      }
    }
  };
  const nextAt = new Map<string, number | null>();

  for (let round = 0; round < 5_000; round++) {
    pay();
    for (const j of journeys) nextAt.set(j.id, advance(j) ?? (j.waitingFor ? now : null));
    const message = nextMessage(waiting);
    if (message) {
      const excluded = new Set(waiting.map((r) => r.journeyId));
      if (messageReady(message, now, othersDue(excluded, message.deadline))) {
        const delivery = messageDelivery(message);
        const decision = guardSend({
          rules: contactRulesOf(delivery.policy),
          timeZone: delivery.timeZone,
          channel: delivery.channel,
          now,
          buyer: { contacts: ledger, optedOut: [], suppressed: [], lastWhatsAppInboundAt: null },
          whatsappTemplateAvailable: true,
        });
        const outcome = outcomeOfGuard(decision) ?? { status: 'sent' as const, providerMessageId: delivery.attemptId };
        if (outcome.status === 'sent') {
          ledger.push(now);
          messages.push({
            at: now,
            reminders: message.reminders,
            email: renderEmail(delivery).text,
            sms: renderSms(delivery).body,
          });
        }
        waiting = withoutReminders(waiting, new Set(message.reminders.map(reminderId)));
        for (const r of message.reminders) {
          answered.set(reminderId(r), (answered.get(reminderId(r)) ?? 0) + 1);
          const journey = journeys.find((j) => j.id === r.journeyId)!;
          journey.waitingFor = null;
          const target = { revision: r.delivery.planRevision, stepIndex: r.delivery.stepIndex };
          apply(
            journey,
            eventForDelivery(outcome, {
              at: now,
              ...target,
              channel: r.delivery.channel,
              requestedChannel: r.delivery.requestedChannel,
              attemptId: delivery.attemptId,
              fallbackUntil: now + HOUR,
            }),
          );
        }
        continue;
      }
    }
    const payments = journeys.filter((j) => j.state.outcome === null).map((j) => j.paidAt);
    const wakeUps = [...nextAt.values(), ...payments, message ? sendBy(message) : null].filter(
      (t): t is number => t !== null && t > now,
    );
    if (wakeUps.length === 0) break;
    now = Math.min(...wakeUps);
  }
  return { journeys, messages, ledger, answered, withdrawn, handedOver, windowMs };
}

const groupingPolicyArb = fc
  .record({ policy: policyArb, windowHours: fc.integer({ min: 1, max: 72 }) })
  .map(({ policy, windowHours }) => policySchema.parse({ ...policy, grouping: { windowHours } }));

const scenarioArb = fc.record({
  policy: groupingPolicyArb,
  dueOffsets: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 2, maxLength: 8 }),
  timeZone: timeZoneArb,
  // Some installments are paid at some hour of the first two months, most never.
  paidAfterHours: fc.array(fc.option(fc.integer({ min: 0, max: 60 * 24 }), { freq: 3 }), { maxLength: 8 }),
});

describe('one message for a buyer’s installments', () => {
  it('never exceeds the cap, mentions every installment once, answers every reminder once, within its window', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, dueOffsets, timeZone, paidAfterHours }) => {
        const run = runBuyer(policy, dueOffsets, timeZone, paidAfterHours);
        const { messages, ledger, answered, withdrawn, handedOver, windowMs, journeys } = run;
        expect(worstWindow(ledger, ledger)).toBeLessThanOrEqual(policy.maxContactsPer7Days);
        for (const message of messages) {
          const installments = message.reminders.map((r) => r.delivery.installmentId);
          expect(new Set(installments).size).toBe(installments.length);
          expect(installments.length).toBeLessThanOrEqual(MAX_INSTALLMENTS_PER_MESSAGE);
          const [lead, ...others] = message.reminders;
          for (const r of others) {
            expect(occurrences(message.email, r.delivery.productName)).toBe(1);
            expect(occurrences(message.sms, r.delivery.productName)).toBe(1);
          }
          expect(message.email).toContain(lead!.delivery.productName);
          expect(message.at).toBeLessThanOrEqual(lead!.at + windowMs + STRAGGLER_GRACE_MS);
          // A paid installment is never in a message sent after its payment.
          for (const r of message.reminders) {
            const paidAt = journeys.find((j) => j.id === r.journeyId)!.paidAt;
            if (paidAt !== null) expect(message.at).toBeLessThan(paidAt);
          }
        }
        // Every reminder handed over was either in exactly one message's answer or withdrawn, never both.
        for (const reminder of handedOver) {
          const id = reminderId(reminder);
          expect((answered.get(id) ?? 0) + (withdrawn.has(id) ? 1 : 0)).toBe(1);
        }
        // Every journey ran its ladder to the end: grouping never strands one.
        for (const journey of journeys) expect(journey.state.outcome).not.toBeNull();
      }),
      { numRuns: 150 },
    );
  });

  it('sends one message for installments due together, and a lone installment at once', () => {
    const policy = policySchema.parse({
      ...defaultPolicy,
      steps: [{ offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '10:00' }],
      quietHours: { start: '22:00', end: '07:00' },
      allowedWeekdays: [1, 2, 3, 4, 5, 6, 7],
      maxContactsPer7Days: 7,
      finalAction: { action: 'write_off', offsetDays: 30 },
      grouping: { windowHours: 24 },
    });
    const together = runBuyer(policy, [0, 0, 0], 'America/Sao_Paulo');
    expect(together.messages).toHaveLength(1);
    expect(together.messages[0]!.reminders).toHaveLength(3);

    const apart = runBuyer(policy, [0, 10], 'America/Sao_Paulo');
    expect(apart.messages.map((m) => m.reminders.length)).toEqual([1, 1]);
    // Nothing else was due within the window: each went at its step's instant, not a day later.
    for (const m of apart.messages) expect(m.at).toBe(m.reminders[0]!.at);
  });

  it('keys a buyer’s coordinator by a digest, never the buyer’s id', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 3 }), (tenant, buyer) => {
        const key = buyerKey(tenant, buyer);
        expect(key).toMatch(/^[0-9a-f]{16}$/);
        expect(key).toBe(buyerKey(tenant, buyer));
      }),
    );
    expect(buyerKey('acme', 'buyer-1')).not.toBe(buyerKey('acme', 'buyer-2'));
    expect(buyerKey('acme', 'b')).not.toBe(buyerKey('acme2', 'b'));
  });
});

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('a reminder with the coordinator stays there unless what it would say changes', () => {
  const state0 = startJourney(installmentFixture(), defaultPolicy, START);
  const at = Date.UTC(2026, 2, 12, 13);
  const move = nextMove(state0.state, at);
  if (move.kind !== 'send') throw new Error('the fixture’s first reminder is due at 10:00 on March 12 in São Paulo');
  const handedOver = reminderDelivery(state0.state, move.step, 'email', 'dunning/acme/inst-42');
  const after = (event: Parameters<typeof dispatch>[1]) => dispatch(state0.state, event).state;

  it('stays after the buyer went to change their payment method', () => {
    expect(reminderStillCurrent(state0.state, move.step, handedOver, at)).toBe(true);
    const clicked = after({ type: 'buyer_action', at, action: 'payment_method' });
    expect(reminderStillCurrent(clicked, move.step, handedOver, at)).toBe(true);
  });

  it('is taken back after a partial payment, a new address, a pause or a payment in full', () => {
    const partial = after({ type: 'payment_received', at, paymentId: 'p1', amountMinor: 1_000, currency: 'BRL' });
    expect(reminderStillCurrent(partial, move.step, handedOver, at)).toBe(false);
    const moved = after({ type: 'contact_updated', at, changes: { email: 'new@example.com' } });
    expect(reminderStillCurrent(moved, move.step, handedOver, at)).toBe(false);
    expect(reminderStillCurrent(after({ type: 'paused', at, until: null }), move.step, handedOver, at)).toBe(false);
    const paid = after({ type: 'payment_received', at, paymentId: 'p2', amountMinor: 10_000, currency: 'BRL' });
    expect(reminderStillCurrent(paid, move.step, handedOver, at)).toBe(false);
  });
});
