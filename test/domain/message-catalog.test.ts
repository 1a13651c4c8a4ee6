/**
 * The copy catalog as data: every locale has what English has, with the same placeholders, and
 * the SMS words stay inside GSM-7. Derived from the catalog itself, never from a hand-written key list.
 */
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../domain/locales';
import { MESSAGE_COPY, MESSAGE_TEMPLATES } from '../../domain/messages';
import { isGsm7 } from '../../domain/sms-segments';

/** Every string leaf of a copy object, by its path ("templates.pre_due.paragraphs.0"). */
function leaves(value: unknown, path: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(path.join('.'), value);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) for (const [p, s] of leaves(child, [...path, key])) out.set(p, s);
  } else throw new Error(`unexpected ${typeof value} at ${path.join('.')}`);
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const english = leaves(MESSAGE_COPY.en);
const others = SUPPORTED_LOCALES.filter((l) => l !== 'en');

describe('message catalog', () => {
  it('has copy for every supported locale and, in English, every template', () => {
    expect(Object.keys(MESSAGE_COPY).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    expect(Object.keys(MESSAGE_COPY.en.templates).sort()).toEqual([...MESSAGE_TEMPLATES].sort());
    expect(english.size).toBeGreaterThan(MESSAGE_TEMPLATES.length * 4);
  });

  it.each(others)('%s has exactly the keys of en', (locale) => {
    expect([...leaves(MESSAGE_COPY[locale]).keys()].sort()).toEqual([...english.keys()].sort());
  });

  it.each(others)('%s uses the same placeholders as en in every string', (locale) => {
    const copy = leaves(MESSAGE_COPY[locale]);
    for (const [path, text] of english)
      expect({ path, placeholders: placeholders(copy.get(path) ?? '') }).toEqual({
        path,
        placeholders: placeholders(text),
      });
  });

  it.each(SUPPORTED_LOCALES)('%s: no string is empty or has stray whitespace', (locale) => {
    for (const [path, text] of leaves(MESSAGE_COPY[locale])) {
      // `previousDueDate` is appended right after the date, so it starts with its own space.
      if (path === 'previousDueDate') expect(text.startsWith(' ')).toBe(true);
      else expect({ path, text }).toEqual({ path, text: text.trim() });
      expect(text.trim().length, path).toBeGreaterThan(0);
      expect(text, path).not.toMatch(/ {2}|\n/);
    }
  });

  it.each(SUPPORTED_LOCALES)('%s: every string that goes into an SMS is GSM-7, so reminders stay short', (locale) => {
    const copy = MESSAGE_COPY[locale];
    const smsWords = [
      ...Object.values(copy.templates).map((t) => t.sms),
      copy.smsGreeting,
      copy.smsGreetingNoName,
      copy.installment,
      copy.paymentWithAmount,
      copy.paymentWithoutAmount,
      copy.balanceOpen,
      copy.balanceSettled,
      copy.previousDueDate,
      copy.alsoDue.sms,
      copy.alsoDue.smsItem,
      copy.optOut.sms,
    ];
    for (const text of smsWords) expect({ text, gsm: isGsm7(text) }).toEqual({ text, gsm: true });
  });

  it.each(SUPPORTED_LOCALES)(
    '%s: SMS and WhatsApp opt-out lines name a keyword the inbound handler accepts',
    (locale) => {
      // The inbound keyword handler accepts these (case-insensitive).
      const accepted = /\b(stop|unsubscribe|parar|baja|cancelar|arr[êe]t|sair)\b/i;
      const { optOut } = MESSAGE_COPY[locale];
      expect(optOut.sms).toMatch(accepted);
      expect(optOut.whatsapp).toMatch(accepted);
      expect(optOut.emailReply).toMatch(accepted);
    },
  );
});
