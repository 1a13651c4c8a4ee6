import { z } from 'zod';
import { CHANNEL_NAMES } from './channels';
import { LOCAL_DATE_FORMAT, LOCAL_TIME_FORMAT, isCalendarDate, isTimeZone } from './local-time';

/**
 * The schemas of the domain's plain values — channels, dates, times, zones, money — for the
 * edges that validate input (the API, the CSV import, policies). The rules they check live with
 * the values (local-time.ts, money.ts, channels.ts), which workflow code uses; the schemas are
 * kept here so that code does not carry zod.
 */

export const channelSchema = z.enum(CHANNEL_NAMES);

export const localDateSchema = z
  .string()
  .regex(LOCAL_DATE_FORMAT, 'must be a date as YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a real calendar date');

export const localTimeSchema = z.string().regex(LOCAL_TIME_FORMAT, 'must be a time as HH:MM (24-hour)');

export const timeZoneSchema = z
  .string()
  .min(1)
  .refine(isTimeZone, 'must be an IANA time zone such as America/Sao_Paulo');

/** The ISO 4217 currencies this runtime knows (the same list formats amounts), not any three letters. */
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));
export const currencySchema = z
  .string()
  .refine((c) => ISO_4217.has(c), 'must be an ISO 4217 currency code such as USD or BRL');

export const minorUnitsSchema = z
  .number()
  .int('must be an integer number of minor units (e.g. cents)')
  .nonnegative('must not be negative')
  .max(Number.MAX_SAFE_INTEGER);

export const positiveMinorUnitsSchema = minorUnitsSchema.refine((v) => v > 0, 'must be greater than zero');

export const moneySchema = z.object({
  amountMinor: minorUnitsSchema,
  currency: currencySchema,
});
