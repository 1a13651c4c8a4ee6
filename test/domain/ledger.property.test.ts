/**
 * The ledger's rules as properties: an installment's standing from its payments, the payments a
 * schedule declares, what a new schedule may not change, and the partial-payment rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type LedgerPayment,
  declaredPaymentId,
  declaredPayments,
  entryState,
  scheduleChangeProblems,
} from '../../domain/ledger';
import { addDays, zonedToInstant } from '../../domain/local-time';
import { checkPartialPayment, smallestPartialPayment } from '../../domain/partial-payments';

const ZONE = 'America/Sao_Paulo';
const DUE = '2026-11-25';
const endOfDue = zonedToInstant(addDays(DUE, 1), '00:00', ZONE);
const DAY = 86_400_000;

const payments = (number: number) =>
  fc.array(
    fc.record({
      paymentId: fc.uuid(),
      installmentNumber: fc.constant(number),
      amountMinor: fc.integer({ min: 1, max: 20_000 }),
      paidAt: fc.integer({ min: endOfDue - 30 * DAY, max: endOfDue + 30 * DAY }),
    }),
    { maxLength: 6 },
  );

describe('entryState', () => {
  it('is paid exactly when the payments reach the amount, on time exactly when the settling payment came before the end of the due day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40_000 }), payments(1), payments(2), (amountMinor, own, others) => {
        const now = endOfDue + 40 * DAY;
        const state = entryState(
          { number: 1, amountMinor, dueDate: DUE, canceled: false },
          [...own, ...others],
          now,
          ZONE,
        );
        const total = own.reduce((sum, p) => sum + p.amountMinor, 0);
        expect(state.paidMinor).toBe(total);
        expect(state.outstandingMinor).toBe(Math.max(0, amountMinor - total));
        if (total < amountMinor) {
          expect(state.standing).toBe('overdue');
          return;
        }
        let running = 0;
        const settling = [...own]
          .sort((a, b) => a.paidAt - b.paidAt)
          .find((p) => (running += p.amountMinor) >= amountMinor)!;
        expect(state.settledAt).toBe(settling.paidAt);
        expect(state.standing).toBe(settling.paidAt < endOfDue ? 'paid_on_time' : 'paid_late');
      }),
    );
  });

  it("judges an open installment against the due date now (a buyer's new date), in the buyer's zone", () => {
    const entry = { number: 1, amountMinor: 100, dueDate: DUE, canceled: false };
    // 2026-11-25 23:30 in São Paulo is already the 26th in UTC: still due today for the buyer.
    const lateEvening = zonedToInstant(DUE, '23:30', ZONE);
    expect(entryState(entry, [], lateEvening, ZONE).standing).toBe('due_today');
    expect(entryState(entry, [], lateEvening + DAY, ZONE).standing).toBe('overdue');
    expect(entryState({ ...entry, currentDueDate: '2026-12-05' }, [], lateEvening + DAY, ZONE).standing).toBe(
      'upcoming',
    );
    expect(entryState({ ...entry, canceled: true }, [], lateEvening, ZONE).standing).toBe('canceled');
  });
});

describe('declaredPayments', () => {
  it('declares what the recorded payments leave of a paid installment, once: declaring again adds nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40_000 }), payments(1), (amountMinor, recorded) => {
        const entry = {
          number: 1,
          amountMinor,
          dueDate: DUE,
          canceled: false,
          status: 'paid' as const,
          paidAt: endOfDue - DAY,
        };
        const declared = declaredPayments([entry], recorded);
        const total = [...recorded, ...declared].reduce((sum, p) => sum + p.amountMinor, 0);
        expect(total).toBe(
          Math.max(
            amountMinor,
            recorded.reduce((sum, p) => sum + p.amountMinor, 0),
          ),
        );
        expect(declared.every((p) => p.paymentId === declaredPaymentId(1))).toBe(true);
        expect(declaredPayments([entry], [...recorded, ...declared])).toEqual([]);
        expect(declaredPayments([{ ...entry, status: 'pending', paidAt: undefined }], recorded)).toEqual([]);
      }),
    );
  });
});

describe('scheduleChangeProblems', () => {
  it('refuses exactly the removal of installments with payments, a currency change after a payment, and another buyer', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 5 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        (paidNumbers, nextNumbers, sameCurrency, sameBuyer) => {
          const recorded: LedgerPayment[] = paidNumbers.map((n) => ({
            paymentId: `p${n}`,
            installmentNumber: n,
            amountMinor: 1,
            paidAt: 0,
          }));
          const problems = scheduleChangeProblems(
            { buyerId: 'b1', currency: 'BRL', payments: recorded },
            { buyerId: sameBuyer ? 'b1' : 'b2', currency: sameCurrency ? 'BRL' : 'USD', numbers: nextNumbers },
          );
          const removed = paidNumbers.filter((n) => !nextNumbers.includes(n));
          expect(problems.filter((p) => p.path[0] === 'installments')).toHaveLength(removed.length);
          expect(problems.some((p) => p.path[0] === 'currency')).toBe(!sameCurrency && paidNumbers.length > 0);
          expect(problems.some((p) => p.path.join('.') === 'buyer.id')).toBe(!sameBuyer);
        },
      ),
    );
  });
});

describe('checkPartialPayment', () => {
  const rule = fc.record({ allowed: fc.boolean(), minimumMinor: fc.integer({ min: 0, max: 50_000 }) });
  it('always takes the balance or more; takes less only when partials are allowed and it reaches the minimum', () => {
    fc.assert(
      fc.property(
        rule,
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (r, outstanding, amount) => {
          const refusal = checkPartialPayment(r, outstanding, amount);
          if (amount >= outstanding) expect(refusal).toBeNull();
          else if (!r.allowed) expect(refusal).toBe('partial_not_allowed');
          else expect(refusal).toBe(amount < r.minimumMinor ? 'below_minimum' : null);
        },
      ),
    );
  });

  it('offers as the smallest choice an amount the rule accepts', () => {
    fc.assert(
      fc.property(rule, fc.integer({ min: 1, max: 100_000 }), (r, outstanding) => {
        const smallest = smallestPartialPayment({ ...r, allowed: true }, outstanding);
        expect(checkPartialPayment({ ...r, allowed: true }, outstanding, smallest)).toBeNull();
        expect(smallest).toBeGreaterThan(0);
        expect(smallest).toBeLessThanOrEqual(outstanding);
      }),
    );
  });
});
