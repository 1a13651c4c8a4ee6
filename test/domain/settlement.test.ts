import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatch, startJourney } from '../../domain/journey';
import { defaultPolicy } from '../../domain/policy';
import { settleLatePayment } from '../../domain/settlement';
import { journeyStatus } from '../../domain/status';
import { makeInstallment } from '../support/fixtures';

const T0 = Date.UTC(2026, 11, 1, 12);

function endedStatus(action: 'write_off' | 'hand_to_agency', paidBeforeEnd = 0) {
  let { state } = startJourney(
    makeInstallment({ amount: { amountMinor: 10_000, currency: 'USD' } }),
    defaultPolicy,
    T0,
  );
  if (paidBeforeEnd > 0)
    state = dispatch(state, {
      type: 'payment_received',
      at: T0 + 1,
      paymentId: 'early',
      amountMinor: paidBeforeEnd,
      currency: 'USD',
    }).state;
  state = dispatch(state, { type: 'final_action_taken', at: T0 + 2, action }).state;
  return journeyStatus(state, T0 + 3);
}

describe('settleLatePayment', () => {
  it('turns a written-off journey into recovered once nothing is outstanding', () => {
    const { status, event } = settleLatePayment(endedStatus('write_off'), {
      paymentId: 'late',
      amountMinor: 10_000,
      currency: 'USD',
      at: T0 + 10,
    });
    expect(status).toMatchObject({
      outcome: 'recovered',
      amountPaidMinor: 10_000,
      outstandingMinor: 0,
      overpaidMinor: 0,
    });
    expect(event).toMatchObject({ type: 'payment_received', paymentId: 'late', amountMinor: 10_000 });
  });

  it('makes a partial late payment partially recovered, and records the excess of an overpayment', () => {
    const partial = settleLatePayment(endedStatus('hand_to_agency'), {
      paymentId: 'a',
      amountMinor: 4_000,
      currency: 'USD',
      at: T0 + 10,
    }).status;
    expect(partial).toMatchObject({ outcome: 'partially_recovered', amountPaidMinor: 4_000, outstandingMinor: 6_000 });
    const over = settleLatePayment(partial, {
      paymentId: 'b',
      amountMinor: 7_000,
      currency: 'USD',
      at: T0 + 11,
    }).status;
    expect(over).toMatchObject({
      outcome: 'recovered',
      amountPaidMinor: 10_000,
      outstandingMinor: 0,
      overpaidMinor: 1_000,
    });
  });

  it('refuses another currency', () => {
    expect(() =>
      settleLatePayment(endedStatus('write_off'), { paymentId: 'x', amountMinor: 1, currency: 'EUR', at: T0 }),
    ).toThrow(RangeError);
  });

  it('conserves money: paid + outstanding = due, and every unit paid is either applied or overpaid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9_999 }),
        fc.array(fc.integer({ min: 1, max: 8_000 }), { maxLength: 6 }),
        (early, amounts) => {
          let status = endedStatus('write_off', early);
          amounts.forEach((amountMinor, i) => {
            status = settleLatePayment(status, {
              paymentId: `p${i}`,
              amountMinor,
              currency: 'USD',
              at: T0 + 10 + i,
            }).status;
          });
          const total = early + amounts.reduce((a, b) => a + b, 0);
          expect(status.amountPaidMinor + status.outstandingMinor).toBe(status.amountDueMinor);
          expect(status.amountPaidMinor + status.overpaidMinor).toBe(total);
          expect(status.outstandingMinor).toBeGreaterThanOrEqual(0);
          expect(status.outcome).toBe(
            total >= 10_000 ? 'recovered' : total > 0 ? 'partially_recovered' : 'written_off',
          );
        },
      ),
    );
  });
});
