/**
 * Calendar dates as people write them in a message, read the same way by the guardrail (is every
 * date in the model's reply one the tools gave?) and by the menu (which date does the buyer ask
 * for?): ISO ("2026-03-20"), numeric ("20/03", "03/20/2026"), and with a month name in the
 * locale's order ("March 20, 2026", "20 de marzo", "20 mars", "20 de mar. de 2026").
 *
 * Numeric dates follow the locale: month first in English, day first elsewhere; when that reading
 * is not a date ("20/03" in English) the other one is taken.
 *
 * What the buyer means (statedDates) also reads a day of the month ("the 20th", "el 20"), a
 * weekday ("Friday", "el viernes", "vendredi", "na sexta"), resolved against today; a promise also
 * "tomorrow" (statedTomorrow).
 *
 * Pure: month names come from Intl (the same data formatDate writes with), no clock.
 */
import { foldKeywordText } from '../keywords';
import { type IsoWeekday, addDays, isCalendarDate, type LocalDate, weekdayOf } from '../local-time';
import { SUPPORTED_LOCALES, type Locale } from '../locales';

/** A date as written: the year is null when the text leaves it out. */
export interface WrittenDate {
  year: number | null;
  month: number;
  day: number;
  /** Where the text was found in the string it was read from. */
  start: number;
  end: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

function plausible(month: number, day: number): boolean {
  return isCalendarDate(`2024-${pad(month)}-${pad(day)}`); // a leap year: 29/02 is a date
}

// ——— month names ———

function monthNames(locale: Locale): Map<string, number> {
  const names = new Map<string, number>();
  for (let month = 1; month <= 12; month++) {
    for (const style of ['long', 'short'] as const) {
      const format = new Intl.DateTimeFormat(locale, { month: style, timeZone: 'UTC' });
      const name = foldKeywordText(format.format(new Date(Date.UTC(2026, month - 1, 15))));
      if (name !== '') names.set(name, month);
    }
  }
  if (locale === 'en') names.set('sept', 9);
  return names;
}

const MONTHS: Readonly<Record<Locale, Map<string, number>>> = Object.fromEntries(
  SUPPORTED_LOCALES.map((locale) => [locale, monthNames(locale)]),
) as Record<Locale, Map<string, number>>;

function alternation(names: Iterable<string>): string {
  return [...names].sort((a, b) => b.length - a.length).join('|');
}

/**
 * Patterns over folded text. Day first everywhere but English ("20 de marzo de 2026", "1er mars",
 * "20 de mar de 2026"); English also month first ("march 20 2026", "mar 20th").
 */
const NAMED_PATTERNS: Readonly<Record<Locale, RegExp[]>> = Object.fromEntries(
  SUPPORTED_LOCALES.map((locale) => {
    const months = alternation(MONTHS[locale].keys());
    // "2 may be late": in English a day before "may" is too often a count before the verb.
    const dayFirstMonths = alternation([...MONTHS[locale].keys()].filter((name) => locale !== 'en' || name !== 'may'));
    const dayFirst = new RegExp(
      `(?<![\\p{L}\\p{N}])(\\d{1,2})(?:st|nd|rd|th|er|o)? (?:de |of )?(${dayFirstMonths})(?: (?:de )?(\\d{4}))?(?![\\p{L}\\p{N}])`,
      'gu',
    );
    if (locale !== 'en') return [locale, [dayFirst]];
    const monthFirst = new RegExp(
      `(?<![\\p{L}\\p{N}])(${months}) (?:the )?(\\d{1,2})(?:st|nd|rd|th)?(?: (\\d{4}))?(?![\\p{L}\\p{N}])`,
      'gu',
    );
    return [locale, [dayFirst, monthFirst]];
  }),
) as Record<Locale, RegExp[]>;

/** Dates written with a month name, in `locale`'s words, found in `text` (positions are in folded text). */
export function namedDates(text: string, locale: Locale): WrittenDate[] {
  const folded = foldKeywordText(text);
  const months = MONTHS[locale];
  const found: WrittenDate[] = [];
  for (const pattern of NAMED_PATTERNS[locale]) {
    for (const match of folded.matchAll(pattern)) {
      const monthFirst = Number.isNaN(Number(match[1]));
      const month = months.get(monthFirst ? match[1]! : match[2]!)!;
      const day = Number(monthFirst ? match[2] : match[1]);
      if (!plausible(month, day)) continue;
      const year = match[3] ? Number(match[3]) : null;
      found.push({ year, month, day, start: match.index, end: match.index + match[0].length });
    }
  }
  return found;
}

// ——— numeric dates ———

const ISO = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g;
/** "20/03", "20/03/26", "20/03/2026"; dots only with a year ("20.03.2026"): "20.03" is an amount. */
const NUMERIC = /(?<![\d/.,])(\d{1,2})(?:\/(\d{1,2})(?:\/(\d{4}|\d{2}))?|\.(\d{1,2})\.(\d{4}))(?![\d/]|[.,]\d)/g;

/** Dates written in digits in `text`, read in `locale`'s order. */
export function numericDates(text: string, locale: Locale): WrittenDate[] {
  const found: WrittenDate[] = [];
  for (const match of text.matchAll(ISO)) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (!plausible(month, day)) continue;
    found.push({ year, month, day, start: match.index, end: match.index + match[0].length });
  }
  for (const match of text.matchAll(NUMERIC)) {
    const first = Number(match[1]);
    const second = Number(match[2] ?? match[4]);
    const yearText = match[3] ?? match[5];
    const year = yearText === undefined ? null : yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
    const monthFirst = locale === 'en' && match[2] !== undefined;
    const [month, day] = monthFirst ? [first, second] : [second, first];
    const reading = plausible(month, day) ? { month, day } : plausible(day, month) ? { month: day, day: month } : null;
    if (!reading) continue;
    found.push({ year, ...reading, start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/** Every date in `text`: digits and month names. */
export function writtenDates(text: string, locale: Locale): WrittenDate[] {
  return [...numericDates(text, locale), ...namedDates(text, locale)];
}

/** Whether a written date is `date` (a written year must agree; no year means any year). */
export function isWrittenAs(written: WrittenDate, date: LocalDate): boolean {
  const [year, month, day] = date.split('-').map(Number);
  return written.month === month && written.day === day && (written.year === null || written.year === year);
}

// ——— resolving what the buyer means ———

/** The first `month`/`day` on or after `today` (a written year is kept as written). */
export function resolveWrittenDate(written: Pick<WrittenDate, 'year' | 'month' | 'day'>, today: LocalDate): LocalDate {
  const thisYear = Number(today.slice(0, 4));
  if (written.year !== null) return `${written.year}-${pad(written.month)}-${pad(written.day)}`;
  const candidate = `${thisYear}-${pad(written.month)}-${pad(written.day)}`;
  // 29/02 in a common year: the next year that has it is too far to guess; keep the invalid date
  // and let the policy refuse it.
  if (candidate >= today || !isCalendarDate(candidate)) return candidate;
  return `${thisYear + 1}-${pad(written.month)}-${pad(written.day)}`;
}

/** The next day of the month numbered `day` on or after `today` ("the 20th"), or null when none soon. */
export function resolveDayOfMonth(day: number, today: LocalDate): LocalDate | null {
  if (day < 1 || day > 31) return null;
  let first = `${today.slice(0, 8)}01`;
  for (let months = 0; months < 3; months++) {
    const candidate = `${first.slice(0, 8)}${pad(day)}`;
    if (isCalendarDate(candidate) && candidate >= today) return candidate;
    first = addDays(`${first.slice(0, 8)}28`, 4).slice(0, 8) + '01';
  }
  return null;
}

/** "the 20th", "on the 20th", "el 20", "el día 20", "dia 20", "le 20", "20th" (folded text). */
const DAY_OF_MONTH =
  /(?:^| )(?:(?:on )?the|el(?: dia)?|dia|o dia|le|day)(?: )(\d{1,2})(?:st|nd|rd|th|er|o)?(?= |$)|(?:^| )(\d{1,2})(?:st|nd|rd|th)(?= |$)/gu;

// ——— weekdays ———

/** Folded long weekday names (Intl's, as formatDate's month names are), ISO numbered. */
function weekdayNames(locale: Locale): Map<string, IsoWeekday> {
  const names = new Map<string, IsoWeekday>();
  const format = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
  // 2026-01-05 is a Monday.
  for (let weekday = 1; weekday <= 7; weekday++) {
    names.set(foldKeywordText(format.format(new Date(Date.UTC(2026, 0, 4 + weekday)))), weekday as IsoWeekday);
  }
  return names;
}

/**
 * Weekdays in folded text. Portuguese also says "na sexta" for "sexta-feira", but "segunda" alone
 * is as often "second" ("a segunda parcela"): the short form counts only after a word for "on".
 */
const WEEKDAY_PATTERNS: Readonly<Record<Locale, { pattern: RegExp; names: Map<string, IsoWeekday> }>> =
  Object.fromEntries(
    SUPPORTED_LOCALES.map((locale) => {
      const names = weekdayNames(locale);
      const short = [...names].filter(([name]) => name.endsWith(' feira')).map(([name]) => name.slice(0, -6));
      for (const name of short) names.set(name, names.get(`${name} feira`)!);
      const longForms = alternation([...names.keys()].filter((name) => !short.includes(name)));
      const shortForms =
        short.length > 0 ? `|(?<=(?:^| )(?:na|nesta|nessa|esta|essa|proxima|ate|ate a) )(?:${alternation(short)})` : '';
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${longForms}${shortForms})(?![\\p{L}\\p{N}])`, 'gu');
      return [locale, { pattern, names }];
    }),
  ) as Record<Locale, { pattern: RegExp; names: Map<string, IsoWeekday> }>;

/**
 * The days a weekday can mean from `today`: the next one; named on that very weekday, today or a
 * week from today (two readings: the buyer is asked which).
 */
export function resolveWeekday(weekday: IsoWeekday, today: LocalDate): LocalDate[] {
  const ahead = (weekday - weekdayOf(today) + 7) % 7;
  return ahead === 0 ? [today, addDays(today, 7)] : [addDays(today, ahead)];
}

/**
 * "Tomorrow" in each language (folded), not where the word means something else: "la mañana" is
 * the morning, "après-demain" and "depois de amanhã" the day after.
 */
const TOMORROW = /(?<!(?:^| )(?:la|apres|de))(?:^| )(?:tomorrow|manana|demain|amanha)(?= |$)/u;

/**
 * Every day the buyer's message names, resolved against today, without repeats, in the order a
 * single reading prefers (written dates, days of the month, weekdays). `awaitingDate`: our last
 * message asked for a day, so a bare number is one; otherwise only when it cannot be a menu
 * number (5–31). More than one day means the message is ambiguous.
 */
export function statedDates(message: string, today: LocalDate, locale: Locale, awaitingDate: boolean): LocalDate[] {
  const found: (LocalDate | null)[] = writtenDates(message, locale).map((written) =>
    resolveWrittenDate(written, today),
  );
  const folded = foldKeywordText(message);
  // "el 20 de marzo de 2027" holds "el 20": a day of the month counts only when no date is written.
  if (found.length === 0) {
    for (const match of folded.matchAll(DAY_OF_MONTH))
      found.push(resolveDayOfMonth(Number(match[1] ?? match[2]), today));
  }
  const weekdays = WEEKDAY_PATTERNS[locale];
  for (const match of folded.matchAll(weekdays.pattern))
    found.push(...resolveWeekday(weekdays.names.get(match[0])!, today));
  if (/^\d{1,2}$/.test(folded) && (awaitingDate || Number(folded) > 4))
    found.push(resolveDayOfMonth(Number(folded), today));
  return [...new Set(found.filter((date): date is LocalDate => date !== null))];
}

/**
 * Tomorrow, when the message says it. Only a promise reads it: "what's the weather tomorrow?"
 * asks for no new due date.
 */
export function statedTomorrow(message: string, today: LocalDate): LocalDate[] {
  return TOMORROW.test(foldKeywordText(message)) ? [addDays(today, 1)] : [];
}
