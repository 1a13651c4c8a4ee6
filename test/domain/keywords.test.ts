import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../domain/locales';
import { classifyInbound, foldKeywordText, replyFor } from '../../domain/keywords';

/** The words the issue requires, written as buyers would (accents included), with their language. */
const REQUIRED = {
  stop: {
    en: ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout', 'opt out'],
    es: ['parar', 'baja', 'cancelar', 'alto', 'detener'],
    fr: ['arrêt', 'arret', 'stop', 'désabonner', 'desabonner', 'desinscrire', 'désinscrire'],
    'pt-BR': ['sair', 'parar', 'cancelar', 'descadastrar'],
  },
  start: {
    en: ['start', 'unstop', 'yes', 'subscribe'],
    es: ['alta', 'comenzar', 'iniciar'],
    fr: ['commencer', 'reprendre'],
    'pt-BR': ['voltar', 'iniciar', 'retomar'],
  },
  help: { en: ['help', 'info'], es: ['ayuda'], fr: ['aide'], 'pt-BR': ['ajuda'] },
} as const;

/** Every folded token of a keyword: a message free of all of them can never be a keyword. */
const KEYWORD_TOKENS = new Set(
  Object.values(REQUIRED)
    .flatMap((byLocale) => Object.values(byLocale).flat())
    .flatMap((w) => foldKeywordText(w).split(' ')),
);

const SHARED = new Set(['stop', 'parar', 'cancelar', 'iniciar']);

const variants = (word: string) => [
  word,
  word.toUpperCase(),
  word[0]!.toUpperCase() + word.slice(1),
  `  ${word}  `,
  `${word}.`,
  `${word}!`,
  `¡${word.toUpperCase()}!`,
  `"${word}"`,
  `\n${word}\t`,
];

describe('classifyInbound', () => {
  for (const [kind, byLocale] of Object.entries(REQUIRED)) {
    for (const [locale, words] of Object.entries(byLocale)) {
      for (const word of words) {
        it(`${kind}: "${word}" (${locale}) in any case, accents and punctuation`, () => {
          for (const text of variants(word)) {
            const result = classifyInbound(text);
            expect(result.kind, JSON.stringify(text)).toBe(kind);
            if (SHARED.has(foldKeywordText(word))) expect(result.locale).toBeNull();
            else expect(result.locale, JSON.stringify(text)).toBe(locale);
          }
        });
      }
    }
  }

  it('folds accents both ways: ARRÊT, Arrêt and arret are the same word', () => {
    for (const text of ['ARRÊT', 'Arrêt', 'arret', 'ARRET', 'arre\u0302t', 'DÉSABONNER', 'Désinscrire']) {
      expect(classifyInbound(text), text).toEqual({ kind: 'stop', locale: 'fr' });
    }
  });

  it('two-word and hyphenated forms: opt out, Opt-Out, OPT_OUT, stop all', () => {
    for (const text of ['opt out', 'Opt-Out', 'OPT_OUT', 'opt  out', 'stop all', 'STOP-ALL']) {
      expect(classifyInbound(text).kind, text).toBe('stop');
    }
  });

  it('an unambiguous opt-out word opening a longer message counts', () => {
    expect(classifyInbound('STOP please')).toEqual({ kind: 'stop', locale: null });
    expect(classifyInbound('Stop sending me these messages!')).toMatchObject({ kind: 'stop' });
    expect(classifyInbound('stop all of this')).toMatchObject({ kind: 'stop' });
    expect(classifyInbound('STOPALL now')).toEqual({ kind: 'stop', locale: 'en' });
    expect(classifyInbound('Unsubscribe me')).toEqual({ kind: 'stop', locale: 'en' });
    expect(classifyInbound('Opt out of this, thanks')).toEqual({ kind: 'stop', locale: 'en' });
    expect(classifyInbound('optout thanks')).toEqual({ kind: 'stop', locale: 'en' });
    expect(classifyInbound('Arrêt immédiat svp')).toEqual({ kind: 'stop', locale: 'fr' });
    expect(classifyInbound('Désabonner moi')).toEqual({ kind: 'stop', locale: 'fr' });
    expect(classifyInbound('désinscrire svp')).toEqual({ kind: 'stop', locale: 'fr' });
    expect(classifyInbound('Descadastrar por favor')).toEqual({ kind: 'stop', locale: 'pt-BR' });
  });

  it('an ambiguous STOP word, a HELP word or a START word counts only as the whole message', () => {
    // Each is a keyword alone…
    for (const [word, kind] of [
      ['parar', 'stop'],
      ['End', 'stop'],
      ['Cancel', 'stop'],
      ['baja', 'stop'],
      ['HELP', 'help'],
      ['Ajuda!', 'help'],
      ['yes', 'start'],
    ] as const) {
      expect(classifyInbound(word).kind, word).toBe(kind);
    }
    // …and only an ordinary word when it opens a longer message.
    for (const text of [
      "End of the month I'll pay",
      'Cancel my order please',
      'Quit calling? I paid already',
      'revoke the fee please',
      'parar de pagar?',
      'Baja por favor',
      'cancelar la cuota 3',
      'Alto ahí, ya pagué',
      'detener el cobro',
      'Sair de casa agora, pago depois',
      'help me please',
      'Ajuda, por favor',
      'info about my bill',
      'aide moi',
      'Yes I will pay tomorrow',
      'start again next month',
    ]) {
      expect(classifyInbound(text), text).toEqual({ kind: 'other', locale: null });
    }
  });

  it('a keyword elsewhere than first is not one', () => {
    for (const text of ['please stop', 'I want to unsubscribe', 'quiero darme de baja', 'can you help']) {
      expect(classifyInbound(text).kind, text).toBe('other');
    }
  });

  it('ordinary messages are other', () => {
    for (const text of [
      'I will pay tomorrow',
      'Pagarei amanhã',
      'Ya pagué',
      "J'ai déjà payé",
      '',
      '   ',
      '?!',
      '👍',
      'stopping by later',
      'ending soon',
      'starting',
      'helpful',
      'STOPP',
      'stop5',
    ]) {
      expect(classifyInbound(text), JSON.stringify(text)).toEqual({ kind: 'other', locale: null });
    }
  });

  it('random sentences without any keyword are other', () => {
    const vocabulary = [
      'i',
      'will',
      'pay',
      'tomorrow',
      'thanks',
      'hello',
      'the',
      'card',
      'was',
      'declined',
      'when',
      'is',
      'it',
      'due',
      'hola',
      'gracias',
      'mañana',
      'pago',
      'olá',
      'obrigado',
      'amanhã',
      'já',
      'paguei',
      'bonjour',
      'merci',
      'déjà',
      'payé',
      'please',
      'out',
      'all',
      'me',
      'de',
      'por',
      'favor',
      '2024',
      'ok',
      'opt-in',
      'ending',
      'started',
      'helpful',
    ].filter((w) => !KEYWORD_TOKENS.has(foldKeywordText(w)));
    const separator = fc.constantFrom(' ', '  ', ', ', '. ', '! ', '? ', '\n', ' - ');
    const sentence = fc
      .array(fc.tuple(fc.constantFrom(...vocabulary), separator), { minLength: 1, maxLength: 12 })
      .map((parts) => parts.map(([w, s]) => w + s).join(''));
    const anyText = fc.string({ maxLength: 40 }).filter((s) =>
      foldKeywordText(s)
        .split(' ')
        .every((t) => !KEYWORD_TOKENS.has(t)),
    );
    fc.assert(
      fc.property(fc.oneof(sentence, anyText), (text) => {
        expect(classifyInbound(text)).toEqual({ kind: 'other', locale: null });
      }),
      { numRuns: 500 },
    );
  });

  it('is total: any text gets an answer of the right shape', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        const { kind, locale } = classifyInbound(text);
        expect(['stop', 'start', 'help', 'other']).toContain(kind);
        expect(locale === null || (SUPPORTED_LOCALES as readonly string[]).includes(locale)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('replyFor', () => {
  const START = { en: 'START', es: 'ALTA', fr: 'COMMENCER', 'pt-BR': 'VOLTAR' } as const;
  const STOP = { en: 'STOP', es: 'BAJA', fr: 'ARRET', 'pt-BR': 'SAIR' } as const;

  for (const locale of SUPPORTED_LOCALES) {
    it(`${locale}: stop names the way back, start and help the way out; other has no reply`, () => {
      const stop = replyFor('stop', locale)!;
      const start = replyFor('start', locale)!;
      const help = replyFor('help', locale)!;
      expect(stop).toContain(START[locale]);
      expect(start).toContain(STOP[locale]);
      expect(help).toContain(STOP[locale]);
      // The words we name are themselves keywords of that language.
      expect(classifyInbound(START[locale]).kind).toBe('start');
      expect(classifyInbound(STOP[locale]).kind).toBe('stop');
      expect(replyFor('other', locale)).toBeNull();
      for (const text of [stop, start, help]) expect(text.length).toBeLessThan(320);
    });
  }

  it('help offers a person and never asks for card details', () => {
    const person = { en: /person/i, es: /persona/i, fr: /personne/i, 'pt-BR': /pessoa/i };
    for (const locale of SUPPORTED_LOCALES) {
      const help = replyFor('help', locale)!;
      expect(help).toMatch(person[locale]);
      expect(help).toMatch(/never|nunca|jamais/i);
    }
  });
});
