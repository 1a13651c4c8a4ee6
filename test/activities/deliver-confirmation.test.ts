/**
 * Confirmations through the deliver activity, on a real database: transactional messages pass
 * the same guard, intent row and idempotency as reminders, but only quiet hours hold them, and
 * they never take a place in the contact ledger the frequency cap counts.
 */
import { expect, it } from 'vitest';
import { withOutboxFallback } from '../../activities/channels/outbox';
import type { ChannelSender, OutgoingMessage, SendOutcome } from '../../activities/channels/sender';
import { type ActivityDeps, createActivities } from '../../activities/index';
import { listAttempts } from '../../db/attempt-repository';
import { contactLedger, recordOptOut } from '../../db/contact-repository';
import { describeEachDatabase } from '../support/databases';
import { confirmationDeliveryFor, freshInstallment, reminderDeliveryFor } from '../support/deliveries';

/** Tuesday 2026-12-01, 10:00 in New York. */
const NOW = Date.UTC(2026, 11, 1, 15, 0);
const HOUR = 3_600_000;
/** 22:00 in New York: quiet hours (21:00–08:00) in the default policy. */
const NIGHT = Date.UTC(2026, 11, 2, 3, 0);
/** Sunday 2026-12-06, 10:00 in New York: not a weekday the default policy contacts on. */
const SUNDAY = Date.UTC(2026, 11, 6, 15, 0);

const silent: ActivityDeps['logger'] = { info: () => undefined, warn: () => undefined };

class CountingSender implements ChannelSender {
  readonly sent: OutgoingMessage[] = [];
  readonly provider = 'counting';
  readonly idempotent = false;
  async send(message: OutgoingMessage): Promise<SendOutcome> {
    this.sent.push(message);
    return { kind: 'sent', providerMessageId: `msg-${this.sent.length}` };
  }
}

describeEachDatabase('deliver activity: confirmations are transactional', (getDb) => {
  const email = new CountingSender();
  const activitiesAt = (now: number, deps: Partial<ActivityDeps> = {}) =>
    createActivities({
      db: getDb(),
      logger: silent,
      now: () => now,
      senders: withOutboxFallback({ email }),
      ...deps,
    });

  it('inside quiet hours: deferred to their end, nothing written or sent', async () => {
    const d = confirmationDeliveryFor(freshInstallment());
    const before = email.sent.length;
    expect(await activitiesAt(NIGHT).deliverReminder(d)).toEqual({
      status: 'deferred',
      reason: 'quiet_hours',
      until: new Date(Date.UTC(2026, 11, 2, 13, 0)).toISOString(),
    });
    expect(await listAttempts(getDb(), d.journeyId)).toEqual([]);
    expect(email.sent.length).toBe(before);
    // At the end of quiet hours it goes out, under the same attempt id.
    expect(await activitiesAt(Date.UTC(2026, 11, 2, 13, 0)).deliverReminder(d)).toMatchObject({ status: 'sent' });
  });

  it('neither held by the cap nor counted in it: reminders after a confirmation still have their full week', async () => {
    const inst = freshInstallment();
    const reminders = [0, 1, 2].map(() => reminderDeliveryFor(inst));
    // Two reminders, then a confirmation, then a third reminder: the cap of 3 is not reached.
    expect(await activitiesAt(NOW).deliverReminder(reminders[0]!)).toMatchObject({ status: 'sent' });
    expect(await activitiesAt(NOW + HOUR).deliverReminder(reminders[1]!)).toMatchObject({ status: 'sent' });
    const confirmation = confirmationDeliveryFor(inst);
    expect(await activitiesAt(NOW + 2 * HOUR).deliverReminder(confirmation)).toMatchObject({ status: 'sent' });
    expect(await activitiesAt(NOW + 3 * HOUR).deliverReminder(reminders[2]!)).toMatchObject({ status: 'sent' });
    expect(await contactLedger(getDb(), inst.tenantId, inst.buyer.id, NOW + 3 * HOUR)).toHaveLength(3);
    // The cap is full now: a reminder waits, a confirmation does not.
    expect(await activitiesAt(NOW + 4 * HOUR).deliverReminder(reminderDeliveryFor(inst))).toMatchObject({
      status: 'deferred',
      reason: 'frequency_cap',
    });
    expect(await activitiesAt(NOW + 4 * HOUR).deliverReminder(confirmationDeliveryFor(inst))).toMatchObject({
      status: 'sent',
    });
    const rows = await listAttempts(getDb(), confirmation.journeyId);
    expect(rows.filter((r) => r.template === 'payment_confirmation')).toHaveLength(2);
  });

  it('goes out on a day reminders may not (Sunday)', async () => {
    const inst = freshInstallment();
    expect(await activitiesAt(SUNDAY).deliverReminder(reminderDeliveryFor(inst))).toMatchObject({
      status: 'deferred',
      reason: 'weekday',
    });
    expect(await activitiesAt(SUNDAY).deliverReminder(confirmationDeliveryFor(inst))).toMatchObject({
      status: 'sent',
    });
  });

  it('an opted-out address refuses it (the journey falls through to SMS), and SMS takes it', async () => {
    const inst = freshInstallment();
    await recordOptOut(getDb(), 'email', inst.buyer.email!, 'test:unsubscribe');
    expect(await activitiesAt(NOW).deliverReminder(confirmationDeliveryFor(inst, 'email'))).toEqual({
      status: 'opted_out',
      source: 'consent',
    });
    const sms = confirmationDeliveryFor(inst, 'sms');
    expect(await activitiesAt(NOW).deliverReminder(sms)).toMatchObject({ status: 'sent' });
    const [row] = await listAttempts(getDb(), sms.journeyId);
    expect(row).toMatchObject({ id: sms.attemptId, channel: 'sms', template: 'payment_confirmation' });
    expect(row!.body).toContain('thank you');
  });

  it('WhatsApp outside the 24-hour window needs an approved template: without one this channel refuses it', async () => {
    const d = confirmationDeliveryFor(freshInstallment(), 'whatsapp');
    const refused = await activitiesAt(NOW, { whatsappTemplateAvailable: () => false }).deliverReminder(d);
    expect(refused).toEqual({ status: 'undeliverable', reason: 'whatsapp_template_unavailable', scope: 'step' });
  });

  it('idempotent by attempt id: a retried activity does not send it twice', async () => {
    const d = confirmationDeliveryFor(freshInstallment());
    const before = email.sent.length;
    const first = await activitiesAt(NOW).deliverReminder(d);
    const again = await activitiesAt(NOW + 1_000).deliverReminder(d);
    expect(again).toEqual(first);
    expect(email.sent.length).toBe(before + 1);
    expect(email.sent.at(-1)).toMatchObject({ attemptId: d.attemptId, template: 'payment_confirmation' });
  });
});
