import { describe, expect, it } from 'vitest';
import { asksForHuman, soundsUpset } from '../../domain/assistant/intents';

describe('asksForHuman', () => {
  it.each([
    'human',
    'HUMAN!!',
    'a person please',
    'Can I talk to a real person?',
    'I want an agent',
    'representative',
    'let me speak to someone',
    'humano',
    '¿Me pasas con un asesor?',
    'Quiero hablar con alguien',
    'persona',
    'necesito una persona',
    'agente por favor',
    'atendente',
    'Quero falar com alguém',
    'pessoa',
    'Posso falar com uma pessoa?',
    'un conseiller svp',
    'Je veux parler à quelqu’un',
    'une personne, merci',
    'Un humain ?',
  ])('%s → a person', (text) => {
    expect(asksForHuman(text)).toBe(true);
  });

  it.each([
    'How much do I owe?',
    'I will pay in person at the store',
    'The person who bought it is my son',
    'Personne ne m’a prévenu',
    'Cada persona paga su parte',
    'Essa pessoa já pagou',
    'Someone already paid it',
    'Pagar el 20',
    'Humanitarian reasons aside, can I pay later?',
    'Mi agenda está llena',
  ])('%s → not a request for a person', (text) => {
    expect(asksForHuman(text)).toBe(false);
  });
});

describe('soundsUpset', () => {
  it.each(['I already paid!', 'Ya pagué', "J'ai déjà payé", 'Já paguei', 'Isso é assédio', 'This is a scam'])(
    '%s → upset',
    (text) => {
      expect(soundsUpset(text)).toBe(true);
    },
  );

  it.each(['How much do I owe?', 'Quiero pagar', 'Je vais payer demain', 'Vou pagar amanhã'])('%s → calm', (text) => {
    expect(soundsUpset(text)).toBe(false);
  });
});
