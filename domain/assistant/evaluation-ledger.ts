/**
 * The buyer the assistant's evaluation talks to: an in-memory ConversationTools over a ledger of
 * two open installments and a policy window, the same for every case and language (amounts in the
 * locale's usual currency). Today is 2026-03-10; installment 2 of 3 was due 2026-03-05, 3 of 3 is
 * due 2026-04-05; a due date may move up to 20 days past the original one (to 2026-03-25); a
 * partial payment must be at least 20.00; a promise to pay follows the default promise rules
 * (checkPromise: up to 14 days ahead, to 2026-03-24; the whole amount; one day of grace).
 *
 * Each case gets a fresh ledger: nothing one case does leaks into the next.
 * Pure: no Node built-ins, no clock.
 */
import type { AssistantContext } from '../conversation';
import { addDays, instantToZoned, isLocalDate, type LocalDate, zonedToInstant } from '../local-time';
import type { Locale } from '../locales';
import { formatAmount, formatDate } from '../messages';
import { DEFAULT_PROMISE_RULES, NO_PROMISES, checkPromise, minimumPromiseMinor, promiseDeadline } from '../promises';
import type {
  ConversationTools,
  DueDateResult,
  OpenInstallment,
  PartialPaymentResult,
  PromiseResult,
  ToolAmount,
  ToolDate,
} from './tools';

export const EVALUATION_TODAY: LocalDate = '2026-03-10';
const RESCHEDULE_DAYS = 20;
const PARTIAL_MINIMUM_MINOR = 2000;
const CURRENCY: Readonly<Record<Locale, string>> = { en: 'USD', es: 'MXN', fr: 'EUR', 'pt-BR': 'BRL' };

export function evaluationContext(locale: Locale): AssistantContext {
  return { locale, firstName: 'Ana', sellerName: 'Acme Courses', today: EVALUATION_TODAY, channel: 'whatsapp' };
}

interface LedgerInstallment {
  installmentId: string;
  number: number;
  count: number;
  amountDueMinor: number;
  originalDueDate: LocalDate;
  dueDate: LocalDate;
}

/** An in-memory ledger and its tools, plus what was done to it (for the evaluation's scoring). */
export function evaluationTools(locale: Locale): ConversationTools & { ledger: LedgerInstallment[] } {
  const currency = CURRENCY[locale];
  const amount = (minor: number): ToolAmount => ({ minor, currency, formatted: formatAmount(minor, currency, locale) });
  const date = (d: LocalDate): ToolDate => ({ date: d, formatted: formatDate(d, locale) });
  const ledger: LedgerInstallment[] = [
    {
      installmentId: 'inst-2',
      number: 2,
      count: 3,
      amountDueMinor: 15000,
      originalDueDate: '2026-03-05',
      dueDate: '2026-03-05',
    },
    {
      installmentId: 'inst-3',
      number: 3,
      count: 3,
      amountDueMinor: 15000,
      originalDueDate: '2026-04-05',
      dueDate: '2026-04-05',
    },
  ];
  let tasks = 0;
  const find = (id: string | null) => (id === null ? ledger[0] : ledger.find((i) => i.installmentId === id));
  const view = (i: LedgerInstallment): OpenInstallment => ({
    installmentId: i.installmentId,
    productName: 'Photography course',
    number: i.number,
    count: i.count,
    amountDue: amount(i.amountDueMinor),
    dueDate: date(i.dueDate),
    status: i.dueDate < EVALUATION_TODAY ? 'overdue' : i.dueDate === EVALUATION_TODAY ? 'due_today' : 'upcoming',
  });

  return {
    ledger,
    openInstallments: async () => ({ installments: ledger.map(view) }),
    paymentLink: async ({ installmentId }) => {
      const i = find(installmentId);
      return i
        ? { outcome: 'link', installmentId: i.installmentId, url: `https://pay.example.com/i/${i.installmentId}` }
        : { outcome: 'nothing_open' };
    },
    requestNewDueDate: async ({ installmentId, dueDate }): Promise<DueDateResult> => {
      const i = find(installmentId);
      if (!i) return { outcome: 'unknown_installment' };
      const max = addDays(i.originalDueDate, RESCHEDULE_DAYS);
      const window = max >= EVALUATION_TODAY ? { min: date(EVALUATION_TODAY), max: date(max) } : null;
      const refuse = (reason: 'invalid_date' | 'in_the_past' | 'unchanged' | 'beyond_limit'): DueDateResult => ({
        outcome: 'refused',
        installmentId: i.installmentId,
        reason,
        window,
      });
      if (!isLocalDate(dueDate)) return refuse('invalid_date');
      if (dueDate < EVALUATION_TODAY) return refuse('in_the_past');
      if (dueDate === i.dueDate) return refuse('unchanged');
      if (dueDate > max) return refuse('beyond_limit');
      i.dueDate = dueDate;
      return { outcome: 'changed', installmentId: i.installmentId, dueDate: date(dueDate) };
    },
    partialPayment: async ({ installmentId, amount: major }): Promise<PartialPaymentResult> => {
      const i = find(installmentId);
      if (!i) return { outcome: 'unknown_installment' };
      const minor = Math.round(major * 100);
      const bounds = { minimum: amount(PARTIAL_MINIMUM_MINOR), maximum: amount(i.amountDueMinor) };
      if (minor > i.amountDueMinor)
        return { outcome: 'refused', installmentId: i.installmentId, reason: 'above_balance', ...bounds };
      if (minor < PARTIAL_MINIMUM_MINOR)
        return { outcome: 'refused', installmentId: i.installmentId, reason: 'below_minimum', ...bounds };
      return {
        outcome: 'checkout',
        installmentId: i.installmentId,
        amount: amount(minor),
        url: `https://pay.example.com/p/${i.installmentId}/${minor}`,
      };
    },
    promiseToPay: async ({ installmentId, date: promised, amount: major }): Promise<PromiseResult> => {
      const i = find(installmentId);
      if (!i) return { outcome: 'unknown_installment' };
      const rules = DEFAULT_PROMISE_RULES;
      const subject = {
        closed: false,
        timeZone: 'UTC',
        outstandingMinor: i.amountDueMinor,
        rules,
        ledger: NO_PROMISES,
      };
      const amountMinor = major === null ? i.amountDueMinor : Math.round(major * 100);
      const now = zonedToInstant(EVALUATION_TODAY, '12:00', 'UTC');
      const reason = checkPromise(subject, { date: promised, amountMinor }, now);
      if (reason !== null) {
        return {
          outcome: 'refused',
          installmentId: i.installmentId,
          reason,
          window: { min: date(EVALUATION_TODAY), max: date(addDays(EVALUATION_TODAY, rules.maxDaysAhead)) },
          amounts: { minimum: amount(minimumPromiseMinor(rules, i.amountDueMinor)), maximum: amount(i.amountDueMinor) },
          open: null,
        };
      }
      const resumesOn = instantToZoned(promiseDeadline(promised, rules.graceDays, 'UTC'), 'UTC').date;
      return {
        outcome: 'promised',
        installmentId: i.installmentId,
        date: date(promised),
        amount: amount(amountMinor),
        resumesOn: date(resumesOn),
      };
    },
    handoffToHuman: async () => ({ outcome: 'opened', taskId: `task-${++tasks}` }),
  };
}
