/**
 * Consent keywords in a buyer's SMS or WhatsApp message (STOP / START / HELP and their common
 * words in English, Spanish, French and Portuguese), and what we answer to each.
 *
 * Matching rule. The message is compared after folding case, accents, punctuation and
 * whitespace ("¡Arrêt!" → "arret", "Opt-Out" → "opt out"):
 *  - the whole message equal to a keyword (one or two words) is that keyword, whatever its kind;
 *  - otherwise only an unambiguous opt-out word may open a longer message ("STOP please",
 *    "Unsubscribe me", "Arrêt immédiat"): carriers match whole messages, but a buyer who writes
 *    "Stop sending me this" has revoked consent. Those words ({@link PREFIX_WORDS}) mean nothing
 *    else at the start of a sentence;
 *  - every other word counts only as the whole message. Ordinary words that are also STOP words
 *    (cancel, end, quit, revoke, parar, baja, cancelar, alto, detener, sair) open ordinary
 *    sentences ("End of the month I'll pay", "Cancel my order please", "parar de pagar?"), and
 *    an opt-out there would silence a buyer who is talking to us; HELP words likewise ("info
 *    about my bill"); and a START word reopens a channel the buyer closed, so "Yes I will pay
 *    tomorrow" must not resubscribe anyone.
 * Words elsewhere in the message ("please stop") are not looked at.
 *
 * Pure: no Node built-ins, no clock.
 */
import type { Locale } from './locales';

export type KeywordKind = 'stop' | 'start' | 'help' | 'other';

export interface InboundClassification {
  kind: KeywordKind;
  /** The keyword's language, or null when the word is shared by languages ("stop", "parar") or there is no keyword. */
  locale: Locale | null;
}

/** Keywords as folded text (see {@link foldKeywordText}); a two-word keyword is written with one space. */
const KEYWORDS: Readonly<Record<Exclude<KeywordKind, 'other'>, Readonly<Record<Locale, readonly string[]>>>> = {
  stop: {
    en: ['stop', 'stopall', 'stop all', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout', 'opt out'],
    es: ['parar', 'baja', 'cancelar', 'alto', 'detener'],
    fr: ['arret', 'stop', 'desabonner', 'desinscrire'],
    'pt-BR': ['sair', 'parar', 'cancelar', 'descadastrar'],
  },
  start: {
    en: ['start', 'unstop', 'yes', 'subscribe'],
    es: ['alta', 'comenzar', 'iniciar'],
    fr: ['commencer', 'reprendre'],
    'pt-BR': ['voltar', 'iniciar', 'retomar'],
  },
  help: {
    en: ['help', 'info'],
    es: ['ayuda'],
    fr: ['aide'],
    'pt-BR': ['ajuda'],
  },
};

interface Entry {
  kind: Exclude<KeywordKind, 'other'>;
  locales: Locale[];
}

const TABLE: ReadonlyMap<string, Entry> = (() => {
  const table = new Map<string, Entry>();
  for (const kind of ['stop', 'start', 'help'] as const) {
    for (const [locale, words] of Object.entries(KEYWORDS[kind]) as [Locale, readonly string[]][]) {
      for (const word of words) {
        const existing = table.get(word);
        if (existing && existing.kind !== kind) throw new Error(`keyword ${word} is both ${existing.kind} and ${kind}`);
        if (existing) existing.locales.push(locale);
        else table.set(word, { kind, locales: [locale] });
      }
    }
  }
  return table;
})();

/**
 * The opt-out words that may open a longer message (see the matching rule above), folded: each
 * means only "stop" in every language we read.
 */
const PREFIX_WORDS: ReadonlySet<string> = new Set([
  'stop',
  'stopall',
  'stop all',
  'unsubscribe',
  'optout',
  'opt out',
  'arret',
  'desabonner',
  'desinscrire',
  'descadastrar',
]);
for (const word of PREFIX_WORDS) {
  if (TABLE.get(word)?.kind !== 'stop') throw new Error(`prefix word ${word} is not a STOP keyword`);
}

/** Lower case, no accents, every run of anything but letters and digits turned into one space, trimmed. */
export function foldKeywordText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function classification(entry: Entry | undefined): InboundClassification | null {
  if (!entry) return null;
  return { kind: entry.kind, locale: entry.locales.length === 1 ? entry.locales[0]! : null };
}

/** What a buyer's inbound message asks for, by the rule at the top of this module. */
export function classifyInbound(text: string): InboundClassification {
  const folded = foldKeywordText(text);
  if (folded === '') return { kind: 'other', locale: null };
  const whole = classification(TABLE.get(folded));
  if (whole) return whole;
  const words = folded.split(' ');
  // Two-word keywords ("opt out") before one-word ones.
  for (const length of [2, 1]) {
    if (words.length <= length) continue;
    const opening = words.slice(0, length).join(' ');
    if (PREFIX_WORDS.has(opening)) return classification(TABLE.get(opening))!;
  }
  return { kind: 'other', locale: null };
}

/** The words we tell buyers to use, one per locale: those of each locale's message copy. */
const STOP_WORD: Readonly<Record<Locale, string>> = { en: 'STOP', es: 'BAJA', fr: 'ARRET', 'pt-BR': 'SAIR' };
const START_WORD: Readonly<Record<Locale, string>> = { en: 'START', es: 'ALTA', fr: 'COMMENCER', 'pt-BR': 'VOLTAR' };

const REPLIES: Readonly<Record<Locale, Record<Exclude<KeywordKind, 'other'>, string>>> = {
  en: {
    stop: `You will no longer receive payment reminders on this channel. Reply ${START_WORD.en} to receive them again.`,
    start: `You will receive payment reminders on this channel again. Reply ${STOP_WORD.en} to stop them.`,
    help: `These are payment reminders about your purchase. Reply ${STOP_WORD.en} to stop them. A person from our team can help: reply here with your question. We never ask for card numbers in messages.`,
  },
  es: {
    stop: `Ya no recibirás recordatorios de pago por este canal. Responde ${START_WORD.es} para volver a recibirlos.`,
    start: `Volverás a recibir recordatorios de pago por este canal. Responde ${STOP_WORD.es} para dejar de recibirlos.`,
    help: `Estos son recordatorios de pago de tu compra. Responde ${STOP_WORD.es} para dejar de recibirlos. Una persona de nuestro equipo puede ayudarte: responde aquí con tu pregunta. Nunca pedimos números de tarjeta por mensaje.`,
  },
  fr: {
    stop: `Vous ne recevrez plus de rappels de paiement sur ce canal. Répondez ${START_WORD.fr} pour les recevoir à nouveau.`,
    start: `Vous recevrez à nouveau les rappels de paiement sur ce canal. Répondez ${STOP_WORD.fr} pour ne plus les recevoir.`,
    help: `Ce sont des rappels de paiement pour votre achat. Répondez ${STOP_WORD.fr} pour ne plus les recevoir. Une personne de notre équipe peut vous aider : répondez ici avec votre question. Nous ne demandons jamais de numéro de carte par message.`,
  },
  'pt-BR': {
    stop: `Você não receberá mais lembretes de pagamento por este canal. Responda ${START_WORD['pt-BR']} para voltar a recebê-los.`,
    start: `Você voltará a receber lembretes de pagamento por este canal. Responda ${STOP_WORD['pt-BR']} para parar de recebê-los.`,
    help: `Estes são lembretes de pagamento da sua compra. Responda ${STOP_WORD['pt-BR']} para parar de recebê-los. Uma pessoa da nossa equipe pode ajudar: responda aqui com sua dúvida. Nunca pedimos número de cartão por mensagem.`,
  },
};

/**
 * Our answer to a keyword, in `locale`: a STOP is confirmed with the way back (the START word),
 * a START with the way out, HELP says who writes, how to stop and that a person can help.
 * Null for anything else: we do not answer ordinary messages automatically.
 */
export function replyFor(kind: KeywordKind, locale: Locale): string | null {
  return kind === 'other' ? null : REPLIES[locale][kind];
}
