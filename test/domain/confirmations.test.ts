import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConfirmationEvent,
  confirmationRoute,
  latePaymentConfirmation,
  pendingConfirmations,
} from '../../domain/confirmations';
import { contactRulesOf, guardSend } from '../../domain/compliance';
import { MIN_DEFERRAL_MS, confirmationDelivery, eventForConfirmation } from '../../domain/delivery';
import {
  type JourneyEvent,
  type JourneyState,
  dispatch,
  nextAction,
  nextMove,
  withoutConfirmations,
} from '../../domain/journey';
import { defaultPolicy } from '../../domain/policy';
import { settleLatePayment } from '../../domain/settlement';
import { journeyStatus } from '../../domain/status';
import { DAY, HOUR } from '../support/arbitraries';
import { START, apply, begin, sp } from './reference-journey';

const pay = (at: number, paymentId: string, amountMinor: number): JourneyEvent => ({
  type: 'payment_received',
  at,
  paymentId,
  amountMinor,
  currency: 'BRL',
});

describe('confirmations owed', () => {
  it('a partial payment owes a payment confirmation with what was paid and what is left', () => {
    const s = apply(begin(), pay(sp(3, 5, 14), 'p1', 4_000));
    expect(pendingConfirmations(s)).toEqual([
      {
        confirms: s.lastSeq,
        template: 'payment_confirmation',
        amountPaidMinor: 4_000,
        amountDueMinor: 6_000,
        dueDate: '2026-03-15',
        notBefore: null,
        excluded: [],
      },
    ]);
  });

  it('a duplicate payment records nothing and owes nothing; a foreign-currency one neither', () => {
    const once = apply(begin(), pay(sp(3, 5, 14), 'p1', 4_000));
    const twice = dispatch(once, pay(sp(3, 5, 15), 'p1', 4_000));
    expect(twice.recorded).toBeNull();
    expect(pendingConfirmations(twice.state)).toHaveLength(1);
    const usd = dispatch(once, { ...pay(sp(3, 5, 15), 'p2', 10), currency: 'USD' } as JourneyEvent);
    expect(pendingConfirmations(usd.state)).toHaveLength(1);
  });

  it('the payment that settles the installment owes one confirmation (it says "fully paid"), and the journey waits for it', () => {
    const s = apply(begin(), pay(sp(3, 5, 14), 'p1', 10_000));
    expect(s.outcome).toBe('paid_before_due');
    expect(pendingConfirmations(s)).toMatchObject([{ template: 'payment_confirmation', amountDueMinor: 0 }]);
    expect(nextAction(s, sp(3, 5, 14))).toMatchObject({ kind: 'done' });
    expect(nextMove(s, sp(3, 5, 14))).toMatchObject({ kind: 'confirm', confirmation: { amountPaidMinor: 10_000 } });
  });

  it('an accepted due-date change owes a confirmation naming the previous date; a refused or unchanged one does not', () => {
    const s = apply(begin(), { type: 'due_date_changed', at: sp(3, 5, 14), from: '2026-03-15', to: '2026-03-25' });
    expect(pendingConfirmations(s)).toMatchObject([
      { template: 'due_date_change_confirmation', dueDate: '2026-03-25', previousDueDate: '2026-03-15' },
    ]);
    const same = dispatch(s, { type: 'due_date_changed', at: sp(3, 5, 15), from: '2026-03-25', to: '2026-03-25' });
    expect(same.recorded).toBeNull();
    expect(pendingConfirmations(same.state)).toHaveLength(1);
  });

  it('a late payment after the journey ended still owes one, unless the journey was canceled', () => {
    const writtenOff = apply(
      begin(),
      { type: 'final_action_taken', at: sp(4, 20, 10), action: 'write_off' },
      pay(sp(4, 25, 10), 'late', 10_000),
    );
    expect(writtenOff.outcome).toBe('recovered');
    expect(pendingConfirmations(writtenOff)).toHaveLength(1);

    const canceled = apply(
      begin(),
      { type: 'canceled', at: sp(3, 5, 10), reason: 'refund' },
      pay(sp(3, 6, 10), 'after-refund', 10_000),
    );
    expect(canceled.payments).toHaveLength(1);
    expect(pendingConfirmations(canceled)).toEqual([]);
  });
});

describe('sending a confirmation', () => {
  const owedAfter = (state: JourneyState) => pendingConfirmations(state)[0]!;

  it('goes out before the next reminder and changes neither the attempts nor the contacts the cap counts', () => {
    const paid = apply(begin(), pay(sp(3, 12, 9), 'p1', 4_000));
    const owed = owedAfter(paid);
    expect(nextMove(paid, sp(3, 12, 10))).toEqual({ kind: 'confirm', confirmation: owed });
    const sent = apply(paid, {
      type: 'confirmation_sent',
      at: sp(3, 12, 10),
      confirms: owed.confirms,
      template: owed.template,
      channel: 'email',
      attemptId: 'a',
    });
    expect(pendingConfirmations(sent)).toEqual([]);
    expect(sent.attempts).toEqual(paid.attempts);
    expect(sent.recentContacts).toEqual(paid.recentContacts);
    expect(nextMove(sent, sp(3, 12, 10))).toEqual(nextAction(sent, sp(3, 12, 10)));
  });

  it('held by quiet hours: the journey waits until then (not forever), also after it closed', () => {
    const paid = apply(begin(), pay(sp(3, 5, 22), 'p1', 10_000));
    const owed = owedAfter(paid);
    const until = sp(3, 6, 8);
    const held = apply(paid, { type: 'confirmation_deferred', at: sp(3, 5, 22), confirms: owed.confirms, until });
    expect(nextMove(held, sp(3, 5, 22))).toEqual({ kind: 'wait', until, reason: 'confirmation' });
    expect(nextMove(held, until)).toMatchObject({ kind: 'confirm' });
  });

  it('a deferral never waits past the next reminder, nor holds a ladder that is due sooner', () => {
    const paid = apply(begin(), pay(sp(3, 11, 22), 'p1', 1_000));
    const owed = owedAfter(paid);
    const reminderAt = nextAction(paid, sp(3, 11, 22));
    expect(reminderAt).toMatchObject({ kind: 'wait', until: sp(3, 12, 10) });
    const farAway = apply(paid, {
      type: 'confirmation_deferred',
      at: sp(3, 11, 22),
      confirms: owed.confirms,
      until: sp(3, 13, 8),
    });
    expect(nextMove(farAway, sp(3, 11, 22))).toEqual(reminderAt);
  });

  it('falls through email, SMS, WhatsApp: opted out, unreachable or refused channels are left out', () => {
    const optedOut = apply(begin(), { type: 'opted_out', at: START, channel: 'email' }, pay(sp(3, 5, 14), 'p1', 1));
    expect(confirmationRoute(optedOut, owedAfter(optedOut))).toMatchObject({ kind: 'deliver', channel: 'sms' });

    const noEmail = apply(begin({ email: undefined }), pay(sp(3, 5, 14), 'p1', 1));
    const owed = owedAfter(noEmail);
    expect(confirmationRoute(noEmail, owed)).toMatchObject({ kind: 'deliver', channel: 'sms' });
    const smsRefused = apply(noEmail, {
      type: 'confirmation_failed',
      at: sp(3, 5, 14),
      confirms: owed.confirms,
      channel: 'sms',
      reason: 'opted_out',
    });
    expect(confirmationRoute(smsRefused, owedAfter(smsRefused))).toMatchObject({ channel: 'whatsapp' });
    // The refusal is this confirmation's: reminders still use SMS.
    expect(smsRefused.optedOut).toEqual([]);
    expect(smsRefused.undeliverable).toEqual([]);
  });

  it('no channel at all: skipped, recorded once, never retried', () => {
    const s = apply(begin({ email: undefined, phone: undefined, whatsapp: undefined }), pay(sp(3, 5, 14), 'p1', 1));
    const owed = owedAfter(s);
    const route = confirmationRoute(s, owed);
    expect(route.kind).toBe('none');
    const skipped = dispatch(s, {
      type: 'confirmation_skipped',
      at: sp(3, 5, 14),
      confirms: owed.confirms,
      template: owed.template,
      reason: 'no_channel',
      channels: route.skipped,
    });
    expect(skipped.recorded).toMatchObject({ type: 'confirmation_skipped', reason: 'no_channel' });
    expect(pendingConfirmations(skipped.state)).toEqual([]);
    expect(dispatch(skipped.state, skipped.recorded! as ConfirmationEvent).recorded).toBeNull();
  });

  it('the delivery carries the facts as they were when owed, a transactional kind and a readable attempt id', () => {
    const s = apply(begin(), pay(sp(3, 5, 14), 'p1', 4_000), pay(sp(3, 5, 15), 'p2', 6_000));
    const [first, second] = pendingConfirmations(s);
    const d1 = confirmationDelivery(s, first!, 'email', 'dunning/acme/inst-42');
    expect(d1).toMatchObject({
      kind: 'confirmation',
      template: 'payment_confirmation',
      attemptId: `dunning/acme/inst-42/confirm/${first!.confirms}/email`,
      amountPaidMinor: 4_000,
      amountDueMinor: 6_000,
      channel: 'email',
      to: 'ana@example.com',
    });
    expect(confirmationDelivery(s, second!, 'sms', 'j')).toMatchObject({ amountDueMinor: 0, to: '+5511987654321' });
  });

  it('what a delivery outcome becomes: a deferral always lies ahead', () => {
    const s = apply(begin(), pay(sp(3, 5, 14), 'p1', 4_000));
    const ctx = { at: sp(3, 5, 23), confirmation: owedAfter(s), channel: 'email' as const, attemptId: 'a' };
    expect(eventForConfirmation({ status: 'deferred', reason: 'quiet_hours', until: 'garbage' }, ctx)).toMatchObject({
      type: 'confirmation_deferred',
      until: ctx.at + MIN_DEFERRAL_MS,
    });
    expect(eventForConfirmation({ status: 'opted_out', source: 'consent' }, ctx)).toMatchObject({
      type: 'confirmation_failed',
      channel: 'email',
    });
    expect(eventForConfirmation({ status: 'sent', providerMessageId: 'm' }, ctx)).toMatchObject({
      type: 'confirmation_sent',
      template: 'payment_confirmation',
      attemptId: 'a',
    });
  });

  it('a journey written before confirmations drops what it owes, without recording anything', () => {
    const s = apply(begin(), pay(sp(3, 5, 14), 'p1', 4_000));
    const dropped = withoutConfirmations(s);
    expect(pendingConfirmations(dropped)).toEqual([]);
    expect(dropped.lastSeq).toBe(s.lastSeq);
    expect(nextMove(dropped, sp(3, 5, 14))).toEqual(nextAction(s, sp(3, 5, 14)));
  });
});

describe('the guard for transactional messages', () => {
  const rules = contactRulesOf({ ...defaultPolicy, allowedWeekdays: [1, 2, 3, 4, 5] }, ['2026-03-02']);
  const buyer = (contacts: number[] = [], optedOut: ('email' | 'sms')[] = []) => ({
    contacts,
    optedOut,
    suppressed: [],
    lastWhatsAppInboundAt: null,
  });
  const request = (now: number, b = buyer()) => ({
    rules,
    timeZone: 'America/Sao_Paulo',
    channel: 'email' as const,
    now,
    buyer: b,
    whatsappTemplateAvailable: true,
    transactional: true,
  });

  it('ignores the cap, the weekdays and the holidays', () => {
    const full = buyer([sp(3, 2, 9), sp(3, 2, 10), sp(3, 2, 11), sp(3, 2, 12)]);
    const sunday = sp(3, 1, 14);
    const holiday = sp(3, 2, 14);
    expect(guardSend({ ...request(holiday, full), transactional: false })).toMatchObject({ verdict: 'delay' });
    expect(guardSend(request(holiday, full))).toEqual({ verdict: 'allow' });
    expect(guardSend({ ...request(sunday), transactional: false })).toMatchObject({ reason: 'weekday' });
    expect(guardSend(request(sunday))).toEqual({ verdict: 'allow' });
  });

  it('keeps quiet hours (deferred to their end) and opt-outs', () => {
    expect(guardSend(request(sp(3, 3, 22)))).toEqual({
      verdict: 'delay',
      reason: 'quiet_hours',
      until: sp(3, 4, 8),
    });
    expect(guardSend(request(sp(3, 3, 14), buyer([], ['email'])))).toEqual({ verdict: 'refuse', reason: 'opted_out' });
  });
});

describe('properties', () => {
  const paymentArb = fc.record({
    paymentId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    amountMinor: fc.integer({ min: 1, max: 6_000 }),
    afterMs: fc.integer({ min: 1, max: 3 * DAY }),
  });

  it('one confirmation per recorded payment, and confirmations never count toward the cap or the attempts', () => {
    fc.assert(
      fc.property(fc.array(paymentArb, { maxLength: 12 }), fc.boolean(), (payments, sendEach) => {
        let s = begin();
        let at = START;
        let recordedPayments = 0;
        let confirmed = 0;
        for (const p of payments) {
          at += p.afterMs;
          const r = dispatch(s, pay(at, p.paymentId, p.amountMinor));
          s = r.state;
          if (r.recorded) recordedPayments++;
          const owed = pendingConfirmations(s)[0];
          if (sendEach && owed) {
            const before = s;
            s = apply(s, {
              type: 'confirmation_sent',
              at: at + HOUR,
              confirms: owed.confirms,
              template: owed.template,
              channel: 'email',
              attemptId: String(owed.confirms),
            });
            confirmed++;
            expect(s.attempts).toEqual(before.attempts);
            expect(s.recentContacts).toEqual(before.recentContacts);
          }
        }
        expect(confirmed + pendingConfirmations(s).length).toBe(recordedPayments);
        expect(new Set(pendingConfirmations(s).map((c) => c.confirms)).size).toBe(pendingConfirmations(s).length);
      }),
    );
  });
});

describe('a payment after the journey ended', () => {
  const ended = (finalEvent: JourneyEvent) => journeyStatus(apply(begin(), finalEvent), START + DAY);
  const pay = (amountMinor: number) => ({ paymentId: 'late', amountMinor, currency: 'BRL', at: START + 40 * DAY });

  it('is confirmed like one the journey counted: what it paid, what is left, for its own event', () => {
    const writtenOff = ended({ type: 'final_action_taken', at: START + DAY, action: 'write_off' });
    const part = settleLatePayment(writtenOff, pay(1_000)).status;
    expect(latePaymentConfirmation(part, pay(1_000), 7)).toEqual({
      confirms: 7,
      template: 'payment_confirmation',
      amountPaidMinor: 1_000,
      amountDueMinor: writtenOff.outstandingMinor - 1_000,
      dueDate: writtenOff.dueDate,
      notBefore: null,
      excluded: [],
    });
    const all = settleLatePayment(writtenOff, pay(writtenOff.outstandingMinor)).status;
    expect(latePaymentConfirmation(all, pay(writtenOff.outstandingMinor), 7)).toMatchObject({ amountDueMinor: 0 });
  });

  it('is not confirmed on a canceled journey, as the journey itself would not', () => {
    const canceled = ended({ type: 'canceled', at: START + DAY, reason: 'manual' });
    expect(latePaymentConfirmation(settleLatePayment(canceled, pay(1_000)).status, pay(1_000), 7)).toBeNull();
    const live = apply(begin(), { type: 'canceled', at: START + DAY, reason: 'manual' });
    expect(pendingConfirmations(apply(live, { type: 'payment_received', ...pay(1_000) }))).toEqual([]);
  });
});
