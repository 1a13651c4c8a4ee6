/**
 * Journeys whose first reminder is due now, for a server without time skipping: a policy that
 * contacts on the due day at any weekday, no holidays, and a buyer whose time zone puts the
 * current instant in the afternoon — well inside the contact window, whatever the hour here.
 */
import { instantToZoned } from '../../../domain/local-time';
import { type Policy, defaultPolicy } from '../../../domain/policy';
import { type InstallmentOverrides, makeInstallment, uniqueId } from '../../support/fixtures';

/** A fixed-offset IANA zone (`Etc/GMT±n`) where it is about `hour`:00 now. */
export function zoneWhereItIs(hour: number, now = Date.now()): string {
  const utcHour = new Date(now).getUTCHours();
  let offset = hour - utcHour;
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  // Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
  return offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

/** One email on the due day (late: it goes out at once), then the rest of the ladder weeks later. */
export const dueNowPolicy: Policy = {
  ...defaultPolicy,
  id: 'due-now',
  steps: [
    { offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '08:00' },
    { offsetDays: 14, channel: 'sms', template: 'overdue_late', sendAt: '11:00' },
  ],
  allowedWeekdays: [1, 2, 3, 4, 5, 6, 7],
  maxContactsPer7Days: 7,
  holidays: { observePublicHolidays: false },
  finalAction: { action: 'write_off', offsetDays: 30 },
};

/** An installment due today in a zone where it is mid-afternoon, for a buyer of its own. */
export function dueNowInstallment(overrides: InstallmentOverrides = {}) {
  const timezone = zoneWhereItIs(15);
  return makeInstallment({
    dueDate: instantToZoned(Date.now(), timezone).date,
    ...overrides,
    buyer: { id: uniqueId('buyer'), timezone, country: undefined, ...overrides.buyer },
  });
}
