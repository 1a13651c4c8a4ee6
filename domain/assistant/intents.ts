/**
 * What a buyer's words ask for, before any engine reads them: a person (the turn hands off
 * without asking the model), a dispute (the menu hands off too), or a promise to pay by a day. Matched on
 * {@link foldKeywordText} output, so case, accents and punctuation do not matter ("¿Un humano?"
 * reads "un humano", "quelqu'un" reads "quelqu un"); a phrase counts anywhere in the message, as
 * whole words only.
 *
 * False positives cost little (a person answers) but annoy: ordinary words that only sometimes
 * mean a person ("person", "someone", "alguien", "quelqu'un", "persona", "pessoa") count only in
 * the phrases that ask for one ("a person", "talk to someone", "hablar con alguien").
 *
 * Pure: no Node built-ins, no clock.
 */
import { foldKeywordText } from '../keywords';

/** Words that ask for a person wherever they stand (folded). */
const PERSON_WORDS = [
  // en
  'human',
  'humans',
  'agent',
  'representative',
  'operator',
  'real person',
  'live person',
  'a person',
  'customer service',
  'someone real',
  // es
  'humano',
  'humana',
  'agente',
  'asesor',
  'asesora',
  'operador',
  'operadora',
  'representante',
  'una persona',
  'persona real',
  'atencion al cliente',
  // fr
  'humain',
  'humaine',
  'conseiller',
  'conseillere',
  'operateur',
  'une personne',
  'vraie personne',
  'service client',
  // pt-BR
  'atendente',
  'uma pessoa',
  'pessoa real',
  'atendimento humano',
];

/** Someone to talk to, after a verb of talking (folded): "talk to someone", "falar com alguém". */
const TALK_VERBS = ['talk', 'speak', 'chat', 'hablar', 'parler', 'falar', 'conversar'];
const TALK_LINKS = ['to', 'with', 'con', 'a', 'avec', 'com'];
const SOMEONE = ['someone', 'somebody', 'alguien', 'quelqu un', 'alguem', 'persona', 'pessoa', 'personne'];

/** A one-word message that can only mean "a person" (folded). */
const PERSON_ALONE = ['person', 'persona', 'pessoa', 'someone', 'alguien', 'alguem', 'quelqu un'];

/** A dispute or distress: a person answers, the assistant does not argue (folded). */
const UPSET_WORDS = [
  // en
  'already paid',
  'i paid',
  'harass',
  'harassing',
  'harassment',
  'ridiculous',
  'scam',
  'fraud',
  'lawyer',
  'complaint',
  'leave me alone',
  // es
  'ya pague',
  'ya lo pague',
  'ya pagamos',
  'acoso',
  'acosando',
  'ridiculo',
  'estafa',
  'fraude',
  'abogado',
  'denuncia',
  'queja',
  'dejenme en paz',
  'dejame en paz',
  // fr
  'deja paye',
  'harcelement',
  'harceler',
  'harcelez',
  'ridicule',
  'arnaque',
  'avocat',
  'plainte',
  'laissez moi tranquille',
  // pt-BR
  'ja paguei',
  'ja foi pago',
  'assedio',
  'ridiculo',
  'golpe',
  'advogado',
  'procon',
  'reclamacao',
  'me deixem em paz',
];

/**
 * A buyer committing to pay (folded), not asking how: "I'll pay", "voy a pagar", "je paierai",
 * "vou pagar". "Can I pay on the 20th?" is a question about the due date, and stays one.
 */
const PROMISE_WORDS = [
  // en
  'i ll pay',
  'ill pay',
  'i will pay',
  'i m going to pay',
  'i am going to pay',
  'i promise',
  'i can pay you',
  'promise to pay',
  // es
  'voy a pagar',
  'pagare',
  'te pago',
  'le pago',
  'les pago',
  'prometo pagar',
  'me comprometo a pagar',
  // fr
  'je vais payer',
  'je paierai',
  'je vous paierai',
  'je payerai',
  'je promets de payer',
  'je m engage a payer',
  // pt-BR
  'vou pagar',
  'pagarei',
  'eu pago',
  'prometo pagar',
  'me comprometo a pagar',
];

function phrasePattern(phrases: readonly string[]): RegExp {
  const alternatives = [...new Set(phrases)].sort((a, b) => b.length - a.length).join('|');
  return new RegExp(`(?:^| )(?:${alternatives})(?: |$)`, 'u');
}

const PERSON = phrasePattern(PERSON_WORDS);
const TALK_TO_SOMEONE = new RegExp(
  `(?:^| )(?:${TALK_VERBS.join('|')})(?: (?:${TALK_LINKS.join('|')}))?(?: (?:a|an|un|una|uma|une|real))? (?:${SOMEONE.join('|')})(?: |$)`,
  'u',
);
const UPSET = phrasePattern(UPSET_WORDS);
const PROMISE = phrasePattern(PROMISE_WORDS);

/** True when the buyer asks for a person, in English, Spanish, French or Portuguese. */
export function asksForHuman(text: string): boolean {
  const folded = foldKeywordText(text);
  return PERSON.test(folded) || TALK_TO_SOMEONE.test(folded) || PERSON_ALONE.includes(folded);
}

/** True when the buyer disputes the debt or is upset: a person should answer. */
export function soundsUpset(text: string): boolean {
  return UPSET.test(foldKeywordText(text));
}

/** True when the buyer commits to paying (by a day they name, or will be asked for). */
export function promisesToPay(text: string): boolean {
  return PROMISE.test(foldKeywordText(text));
}
