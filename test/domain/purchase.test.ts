import { describe, expect, it } from 'vitest';
import { reminderDelivery } from '../../domain/delivery';
import { planOf, startJourney } from '../../domain/journey';
import { defaultPolicy } from '../../domain/policy';
import { purchaseIdOf } from '../../domain/purchase';
import { makeInstallment } from '../support/fixtures';

describe('the purchase of an installment', () => {
  it('is the one reported, else the installment alone (a purchase of one)', () => {
    expect(purchaseIdOf({ installmentId: 'inst-2', purchaseId: 'order-7' })).toBe('order-7');
    expect(purchaseIdOf({ installmentId: 'inst-2' })).toBe('inst-2');
  });

  it('is named by every reminder delivery, for its payment-area link', () => {
    for (const purchaseId of ['order-7', undefined]) {
      const installment = makeInstallment({ installmentId: 'inst-2', purchaseId });
      const { state } = startJourney(installment, defaultPolicy, Date.UTC(2026, 10, 1));
      const step = planOf(state, Date.UTC(2026, 10, 1)).steps[0]!;
      expect(reminderDelivery(state, step, step.channel, 'journey-1').purchaseId).toBe(purchaseId ?? 'inst-2');
    }
  });
});
