import { z } from 'zod';
import { CHANNEL_NAMES } from './channels';
import { LOCAL_DATE_FORMAT, LOCAL_TIME_FORMAT, isCalendarDate, isTimeZone } from './local-time';

/**
 * The schemas of the domain's plain values — channels, dates, times, zones, money — for the
 * edges that validate input (the API, the CSV import, policies). The rules they check live with
 * the values (local-time.ts, money.ts, channels.ts), which workflow code uses; the schemas are
 * kept here so that code does not carry zod.
 */

/**
 * Open in the API contract (`x-open-enum`): channels join in minor versions, so clients must
 * accept a channel they do not know (README: API versioning).
 */
export const channelSchema = z.enum(CHANNEL_NAMES).meta({ 'x-open-enum': true });

export const localDateSchema = z
  .string()
  .regex(LOCAL_DATE_FORMAT, 'must be a date as YYYY-MM-DD')
  .refine(isCalendarDate, 'is not a real calendar date');

export const localTimeSchema = z.string().regex(LOCAL_TIME_FORMAT, 'must be a time as HH:MM (24-hour)');

export const timeZoneSchema = z
  .string()
  .min(1)
  .refine(isTimeZone, 'must be an IANA time zone such as America/Sao_Paulo');

/**
 * An email address a mail server will take: RFC 5321 limits the whole to 254 characters and the
 * part before the @ to 64 (the format alone allows longer).
 */
export const emailSchema = z
  .email('must be an email address')
  .max(254)
  .refine((address) => address.lastIndexOf('@') <= 64, 'the part before @ must be at most 64 characters');

/**
 * The ISO 4217 currencies this runtime knows (the same list formats amounts), not any three
 * letters. The shape is also a pattern so the published document says it; the list cannot be.
 */
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));
const CURRENCY_MESSAGE = 'must be an ISO 4217 currency code such as USD or BRL';
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: CURRENCY_MESSAGE, abort: true })
  .refine((c) => ISO_4217.has(c), CURRENCY_MESSAGE);

const wholeMinorUnits = () => z.number().int('must be an integer number of minor units (e.g. cents)');

export const minorUnitsSchema = wholeMinorUnits().nonnegative('must not be negative').max(Number.MAX_SAFE_INTEGER);

/** A bound rather than a refinement, so the published document says it (`minimum: 1`). */
export const positiveMinorUnitsSchema = wholeMinorUnits()
  .min(1, 'must be greater than zero')
  .max(Number.MAX_SAFE_INTEGER);

export const moneySchema = z.object({
  amountMinor: minorUnitsSchema,
  currency: currencySchema,
});
