/** Every reminder links to the buyer's payment area when the deployment has one (activities/deliver.ts). */
import { beforeAll, expect, it } from 'vitest';
import { createActivities } from '../../activities/index';
import { createBuyerAreaUrl, verifyBuyerAreaToken } from '../../application/buyer-links';
import { linkKeyRing } from '../../application/link-keys';
import { listAttempts } from '../../db/attempt-repository';
import type { Channel } from '../../domain/channels';
import type { InstallmentInput } from '../../domain/installment';
import { type Policy, defaultPolicy } from '../../domain/policy';
import { describeEachDatabase } from '../support/databases';
import { reminderDeliveryFor } from '../support/deliveries';
import { makeInstallment, uniqueId } from '../support/fixtures';

const NOW = Date.UTC(2026, 11, 1, 15, 0);
const DAY = 86_400_000;
const BASE_URL = 'https://dunning.example.com';
const KEYS = linkKeyRing('buyer-area-secret-for-tests-0123456789');

/** The payment-area token in a message: the one link to /pay/. */
function payToken(body: string): string {
  const tokens = [...body.matchAll(/https:\/\/dunning\.example\.com\/pay\/([A-Za-z0-9_-]+)/g)].map((m) => m[1]!);
  expect(new Set(tokens).size).toBe(1);
  return tokens[0]!;
}

describeEachDatabase('reminders link to the payment area', (getDb) => {
  let linked: ReturnType<typeof createActivities>;
  let unlinked: ReturnType<typeof createActivities>;
  beforeAll(() => {
    const deps = { db: getDb(), logger: { info: () => {}, warn: () => {} }, now: () => NOW };
    linked = createActivities({
      ...deps,
      buyerAreaUrl: (binding, at, ttlDays) =>
        createBuyerAreaUrl(binding, { keys: KEYS, baseUrl: BASE_URL, now: at, ttlDays }),
    });
    unlinked = createActivities(deps);
  });

  async function bodyOf(
    activities: ReturnType<typeof createActivities>,
    inst: InstallmentInput,
    channel: Channel,
    policy: Policy = defaultPolicy,
  ) {
    const delivery = reminderDeliveryFor(inst, channel, { buyerId: uniqueId('buyer'), policy });
    expect(await activities.deliverReminder(delivery)).toMatchObject({ status: 'sent' });
    const [row] = await listAttempts(getDb(), delivery.journeyId);
    return { body: row!.body, delivery };
  }

  it.each(['email', 'sms', 'whatsapp'] as const)(
    'a %s reminder in the outbox carries a /pay/ link that opens the journey’s tenant, buyer and purchase, instead of the payment URL',
    async (channel) => {
      const inst = makeInstallment({
        purchaseId: uniqueId('purchase'),
        buyer: { email: `${uniqueId('ana')}@example.com`, phone: '+5511987654321', whatsapp: '+5511987654321' },
      });
      const { body, delivery } = await bodyOf(linked, inst, channel);
      expect(verifyBuyerAreaToken(payToken(body), KEYS, NOW)).toEqual({
        ok: true,
        tenantId: inst.tenantId,
        buyerId: delivery.buyerId,
        purchaseId: inst.purchaseId,
        expiresAt: NOW + 30 * DAY,
      });
      expect(body).not.toContain(inst.paymentUrl);
    },
  );

  it('an installment without a purchase is a purchase of one; the policy sets how long the link works', async () => {
    const inst = makeInstallment({ purchaseId: undefined, buyer: { email: `${uniqueId('ana')}@example.com` } });
    expect(inst.purchaseId).toBeUndefined();
    const policy = { ...defaultPolicy, buyerArea: { linkTtlDays: 7 } };
    const { body } = await bodyOf(linked, inst, 'email', policy);
    expect(verifyBuyerAreaToken(payToken(body), KEYS, NOW)).toMatchObject({
      ok: true,
      purchaseId: inst.installmentId,
      expiresAt: NOW + 7 * DAY,
    });
  });

  it('a delivery scheduled before deliveries named their purchase keeps the payment URL, as its first try sent it', async () => {
    const inst = makeInstallment({ buyer: { email: `${uniqueId('ana')}@example.com` } });
    const { purchaseId: _older, ...delivery } = reminderDeliveryFor(inst, 'email', { buyerId: uniqueId('buyer') });
    await linked.deliverReminder(delivery);
    const [row] = await listAttempts(getDb(), delivery.journeyId);
    expect(row!.body).toContain(inst.paymentUrl);
    expect(row!.body).not.toContain('/pay/');
  });

  it('without a payment area (no PUBLIC_BASE_URL or keys) the reminder keeps the payment URL', async () => {
    const inst = makeInstallment({ buyer: { email: `${uniqueId('ana')}@example.com` } });
    const { body } = await bodyOf(unlinked, inst, 'email');
    expect(body).toContain(inst.paymentUrl);
    expect(body).not.toContain('/pay/');
  });
});
