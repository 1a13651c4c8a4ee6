/**
 * Properties of a promise through the assistant's menu, with the guardrail in front of the tool as
 * a turn puts it: a promise is recorded only on the one day the buyer wrote, never when their
 * words name no day, and never on a day other than theirs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVALUATION_TODAY, evaluationContext, evaluationTools } from '../../domain/assistant/evaluation-ledger';
import { promiseGuard } from '../../domain/assistant/guardrails';
import { menuTurn } from '../../domain/assistant/menu';
import { addDays } from '../../domain/local-time';
import type { Locale } from '../../domain/locales';
import { formatDate } from '../../domain/messages';
import { localeArb } from '../support/assistant-arbitraries';

const COMMITMENTS: Readonly<Record<Locale, string[]>> = {
  en: ["I'll pay", 'I will pay', 'I promise to pay'],
  es: ['Voy a pagar', 'Te pago', 'Pagaré'],
  fr: ['Je vais payer', 'Je paierai'],
  'pt-BR': ['Vou pagar', 'Pagarei', 'Eu pago'],
};
/** Words around a promise that name no day (no digits, weekdays or "tomorrow"). */
const FILLER = ['sure', 'ok', 'please', 'sorry', 'gracias', 'merci', 'obrigado', 'soon', 'pronto', 'bientôt', 'logo'];

async function turn(locale: Locale, message: string) {
  const context = evaluationContext(locale);
  const tools = promiseGuard(evaluationTools(locale), { message, history: [], context });
  const result = await menuTurn({ context, history: [], message, tools });
  return result.toolCalls.filter((c) => c.tool === 'promise_to_pay');
}

describe('a promise through the menu', () => {
  it('records the very day the buyer wrote (in the words the tools write days in)', async () => {
    await fc.assert(
      fc.asyncProperty(localeArb, fc.integer({ min: 0, max: 14 }), fc.nat(), async (locale, ahead, pick) => {
        const day = addDays(EVALUATION_TODAY, ahead);
        const commitment = COMMITMENTS[locale][pick % COMMITMENTS[locale].length]!;
        const calls = await turn(locale, `${commitment} ${formatDate(day, locale)}`);
        expect(calls).toHaveLength(1);
        expect(calls[0]).toMatchObject({ arguments: { date: day }, result: { outcome: 'promised' } });
      }),
      { numRuns: 200 },
    );
  });

  it('records nothing when the buyer names no day', async () => {
    await fc.assert(
      fc.asyncProperty(
        localeArb,
        fc.nat(),
        fc.array(fc.constantFrom(...FILLER), { maxLength: 4 }),
        async (locale, pick, words) => {
          const commitment = COMMITMENTS[locale][pick % COMMITMENTS[locale].length]!;
          const calls = await turn(locale, [commitment, ...words].join(' '));
          expect(calls.filter((c) => c.result.outcome === 'promised')).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the guard refuses any day the buyer did not write, whatever a model would pass', async () => {
    await fc.assert(
      fc.asyncProperty(
        localeArb,
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 1, max: 14 }),
        async (locale, ahead, shift) => {
          const said = addDays(EVALUATION_TODAY, ahead);
          const other = addDays(said, shift);
          const message = `${COMMITMENTS[locale][0]} ${formatDate(said, locale)}`;
          const context = evaluationContext(locale);
          const tools = promiseGuard(evaluationTools(locale), { message, history: [], context });
          const result = await tools.promiseToPay({ installmentId: 'inst-2', date: other, amount: null });
          expect(result).toEqual({ outcome: 'not_stated', missing: 'date' });
        },
      ),
      { numRuns: 200 },
    );
  });
});
