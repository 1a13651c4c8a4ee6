import type { Locale } from '../../domain/locales';
import type { PromiseRefusal } from '../../domain/promises';

/**
 * The words of the buyer area's "I'll pay on …" form, in every locale (a missing locale or key
 * fails to compile, as in web/copy). Values arrive formatted for the locale.
 */
export interface PromiseCopy {
  legend: string;
  dateLabel: string;
  amountLabel: string;
  /** Under the fields: the dates allowed and what an empty amount means. */
  hint: (v: { min: string; max: string; amount: string }) => string;
  submit: string;
  /** On the installment's card while a promise is open. */
  promised: (v: { amount: string; date: string }) => string;
  made: (v: { n: number; amount: string; date: string }) => string;
  /** Why the promise was not taken (domain/promises.ts checkPromise), said kindly. */
  refused: Record<PromiseRefusal, string>;
}

const en: PromiseCopy = {
  legend: 'I’ll pay on a date',
  dateLabel: 'I will pay on',
  amountLabel: 'Amount (optional)',
  hint: ({ min, max, amount }) =>
    `Choose a date from ${min} to ${max}. Leave the amount empty to pay everything still open (${amount}). We will not send reminders until then.`,
  submit: 'Promise to pay',
  promised: ({ amount, date }) => `You promised to pay ${amount} by ${date}.`,
  made: ({ n, amount, date }) =>
    `Thank you: we noted that you will pay ${amount} for installment ${n} by ${date}. No reminders until then.`,
  refused: {
    invalid_date: 'Please choose a date.',
    invalid_amount: 'Please enter an amount greater than zero.',
    journey_closed: 'This installment no longer needs a promise.',
    promise_open: 'You have already promised a payment for this installment.',
    too_many_promises: 'This installment cannot take another promise. Please pay or ask for a new due date.',
    in_the_past: 'Please choose today or a later date.',
    too_far_ahead: 'That date is too far ahead. Please choose an earlier one.',
    above_outstanding: 'That is more than what is still open.',
    below_minimum: 'That amount is too small for a promise. Please enter a larger one, or leave it empty.',
  },
};

const es: PromiseCopy = {
  legend: 'Pagaré en una fecha',
  dateLabel: 'Pagaré el',
  amountLabel: 'Importe (opcional)',
  hint: ({ min, max, amount }) =>
    `Elige una fecha entre el ${min} y el ${max}. Deja el importe vacío para pagar todo lo pendiente (${amount}). No te enviaremos recordatorios hasta entonces.`,
  submit: 'Prometer el pago',
  promised: ({ amount, date }) => `Prometiste pagar ${amount} a más tardar el ${date}.`,
  made: ({ n, amount, date }) =>
    `Gracias: anotamos que pagarás ${amount} de la cuota ${n} a más tardar el ${date}. Sin recordatorios hasta entonces.`,
  refused: {
    invalid_date: 'Elige una fecha.',
    invalid_amount: 'Escribe un importe mayor que cero.',
    journey_closed: 'Esta cuota ya no necesita una promesa.',
    promise_open: 'Ya prometiste un pago para esta cuota.',
    too_many_promises: 'Esta cuota no admite otra promesa. Paga o pide una nueva fecha de vencimiento.',
    in_the_past: 'Elige hoy o una fecha posterior.',
    too_far_ahead: 'Esa fecha está demasiado lejos. Elige una anterior.',
    above_outstanding: 'Es más de lo que queda pendiente.',
    below_minimum: 'Ese importe es demasiado bajo para una promesa. Escribe uno mayor o déjalo vacío.',
  },
};

const fr: PromiseCopy = {
  legend: 'Je paierai à une date',
  dateLabel: 'Je paierai le',
  amountLabel: 'Montant (facultatif)',
  hint: ({ min, max, amount }) =>
    `Choisissez une date entre le ${min} et le ${max}. Laissez le montant vide pour régler tout ce qui reste (${amount}). Nous n’enverrons pas de rappel d’ici là.`,
  submit: 'Promettre le paiement',
  promised: ({ amount, date }) => `Vous avez promis de payer ${amount} au plus tard le ${date}.`,
  made: ({ n, amount, date }) =>
    `Merci : nous avons noté que vous paierez ${amount} pour l’échéance ${n} au plus tard le ${date}. Aucun rappel d’ici là.`,
  refused: {
    invalid_date: 'Veuillez choisir une date.',
    invalid_amount: 'Veuillez saisir un montant supérieur à zéro.',
    journey_closed: 'Cette échéance n’a plus besoin d’une promesse.',
    promise_open: 'Vous avez déjà promis un paiement pour cette échéance.',
    too_many_promises: 'Cette échéance ne peut plus recevoir de promesse. Payez ou demandez une nouvelle date.',
    in_the_past: 'Veuillez choisir aujourd’hui ou une date ultérieure.',
    too_far_ahead: 'Cette date est trop lointaine. Veuillez en choisir une plus proche.',
    above_outstanding: 'C’est plus que ce qui reste à régler.',
    below_minimum: 'Ce montant est trop faible pour une promesse. Saisissez-en un plus élevé, ou laissez-le vide.',
  },
};

const ptBR: PromiseCopy = {
  legend: 'Vou pagar em uma data',
  dateLabel: 'Vou pagar em',
  amountLabel: 'Valor (opcional)',
  hint: ({ min, max, amount }) =>
    `Escolha uma data entre ${min} e ${max}. Deixe o valor vazio para pagar tudo o que está em aberto (${amount}). Não enviaremos lembretes até lá.`,
  submit: 'Prometer o pagamento',
  promised: ({ amount, date }) => `Você prometeu pagar ${amount} até ${date}.`,
  made: ({ n, amount, date }) =>
    `Obrigado: anotamos que você vai pagar ${amount} da parcela ${n} até ${date}. Sem lembretes até lá.`,
  refused: {
    invalid_date: 'Escolha uma data.',
    invalid_amount: 'Informe um valor maior que zero.',
    journey_closed: 'Esta parcela não precisa mais de uma promessa.',
    promise_open: 'Você já prometeu um pagamento para esta parcela.',
    too_many_promises: 'Esta parcela não aceita outra promessa. Pague ou peça uma nova data de vencimento.',
    in_the_past: 'Escolha hoje ou uma data posterior.',
    too_far_ahead: 'Essa data está longe demais. Escolha uma mais próxima.',
    above_outstanding: 'É mais do que está em aberto.',
    below_minimum: 'Esse valor é pequeno demais para uma promessa. Informe um maior ou deixe vazio.',
  },
};

export const PROMISE_COPY: Readonly<Record<Locale, PromiseCopy>> = { en, es, fr, 'pt-BR': ptBR };
