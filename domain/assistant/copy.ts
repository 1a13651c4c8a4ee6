/**
 * The assistant's own words in each locale: the menu, what the tools found or did, the handoff.
 * Empathetic and short (WhatsApp); never a threat, never a request for card or bank details. Every
 * amount and date in them is a value a tool answered, inserted by replies.ts.
 */
import type { DueDateRefusal } from '../journey';
import type { Locale } from '../locales';
import type { PartialPaymentRefusal } from '../partial-payments';
import type { PromiseRefusal } from '../promises';

export interface AssistantCopy {
  greeting: (name: string, seller: string) => string;
  menu: string;
  nothingOpen: string;
  installment: (product: string, n: number, m: number, amount: string, date: string, overdue: boolean) => string;
  link: (url: string) => string;
  dueDateChanged: (date: string) => string;
  dueDateRefused: Record<DueDateRefusal, string>;
  dueDateWindow: (min: string, max: string) => string;
  cannotDoHere: string;
  partialCheckout: (amount: string, url: string) => string;
  partialRefused: Record<PartialPaymentRefusal | 'above_balance', string>;
  partialRange: (min: string, max: string) => string;
  /** A promise recorded: what, by when, and what happens if the payment does not come. */
  promised: (amount: string, date: string, resumesOn: string) => string;
  promiseRefused: Record<PromiseRefusal, string>;
  promiseWindow: (min: string, max: string) => string;
  promiseAmounts: (min: string, max: string) => string;
  promiseOpen: (amount: string, date: string) => string;
  /** The buyer means to promise but named no day (or the guardrail found none of theirs). */
  askPromiseDate: string;
  /** The buyer named more than one day ("Friday", said on a Friday: today or next week?). */
  promiseDateUnclear: string;
  handoff: string;
  askDate: string;
  anythingElse: string;
}

const en: AssistantCopy = {
  greeting: (name, seller) => `Hi${name ? ` ${name}` : ''}! I'm the payments assistant for ${seller}, happy to help.`,
  menu: 'Reply with a number:\n1 amount due\n2 payment link\n3 new due date\n4 talk to a person',
  nothingOpen:
    'Good news: you have nothing open to pay right now. If something looks wrong, reply 4 and a person will check it.',
  installment: (product, n, m, amount, date, overdue) =>
    `${product}, installment ${n} of ${m}: ${amount}, ${overdue ? 'was due' : 'due'} ${date}.`,
  link: (url) => `You can pay securely here: ${url}`,
  dueDateChanged: (date) => `Done: your new due date is ${date}.`,
  dueDateRefused: {
    invalid_date: "I couldn't read that date.",
    journey_closed: 'This installment can no longer be changed here.',
    in_the_past: 'That date has already passed.',
    unchanged: 'That is already your due date.',
    beyond_limit: "I can't move the due date that far.",
    too_many_changes: 'This due date has already been changed as many times as allowed.',
  },
  dueDateWindow: (min, max) => `I can move it to any date from ${min} to ${max}.`,
  cannotDoHere: "I can't do that from here, sorry. Reply 4 and a person will help you.",
  partialCheckout: (amount, url) => `You can pay ${amount} now here: ${url}`,
  partialRefused: {
    partial_not_allowed: "I'm sorry, this installment can't be paid in parts.",
    below_minimum: 'That is below the smallest amount you can pay now.',
    above_balance: 'That is more than what is left to pay.',
  },
  partialRange: (min, max) => `You can pay from ${min} up to ${max}.`,
  promised: (amount, date, resumesOn) =>
    `Thank you, noted: you will pay ${amount} by ${date}. We will not send reminders until then. If the payment has not arrived, reminders start again on ${resumesOn}.`,
  promiseRefused: {
    invalid_date: "I couldn't read that date.",
    invalid_amount: "I couldn't read that amount.",
    journey_closed: 'This installment can no longer take a promise here.',
    promise_open: 'You already have a promise to pay open for this installment.',
    too_many_promises: 'This installment has already had as many promises as allowed.',
    in_the_past: 'That date has already passed.',
    too_far_ahead: 'That date is further ahead than I can accept.',
    above_outstanding: 'That is more than what is left to pay.',
    below_minimum: 'That is less than the smallest amount a promise can be for.',
  },
  promiseWindow: (min, max) => `You can choose any day from ${min} to ${max}.`,
  promiseAmounts: (min, max) => `The amount can be from ${min} to ${max}.`,
  promiseOpen: (amount, date) => `Your promise: ${amount} by ${date}.`,
  askPromiseDate:
    'Thank you. Which day will you pay? Reply with the day, for example "the 20th", and the amount if it is not the full amount.',
  promiseDateUnclear: 'Which day exactly? Please reply with the date, for example "the 20th".',
  handoff: 'Of course. A person from our team will reply here as soon as possible. Thank you for your patience.',
  askDate: 'Sure. Which day would you like to pay? Reply with the day, for example "the 20th".',
  anythingElse: 'Anything else? Reply 4 to talk to a person.',
};

const es: AssistantCopy = {
  greeting: (name, seller) =>
    `¡Hola${name ? ` ${name}` : ''}! Soy el asistente de pagos de ${seller}, con gusto te ayudo.`,
  menu: 'Responde con un número:\n1 monto a pagar\n2 enlace de pago\n3 nueva fecha de vencimiento\n4 hablar con una persona',
  nothingOpen:
    'Buenas noticias: no tienes nada pendiente de pago ahora. Si algo no cuadra, responde 4 y una persona lo revisará.',
  installment: (product, n, m, amount, date, overdue) =>
    `${product}, cuota ${n} de ${m}: ${amount}, ${overdue ? 'venció el' : 'vence el'} ${date}.`,
  link: (url) => `Puedes pagar de forma segura aquí: ${url}`,
  dueDateChanged: (date) => `Listo: tu nueva fecha de vencimiento es el ${date}.`,
  dueDateRefused: {
    invalid_date: 'No pude entender esa fecha.',
    journey_closed: 'Esta cuota ya no se puede cambiar por aquí.',
    in_the_past: 'Esa fecha ya pasó.',
    unchanged: 'Esa ya es tu fecha de vencimiento.',
    beyond_limit: 'No puedo mover el vencimiento tan lejos.',
    too_many_changes: 'Este vencimiento ya se cambió todas las veces permitidas.',
  },
  dueDateWindow: (min, max) => `Puedo moverlo a cualquier fecha entre el ${min} y el ${max}.`,
  cannotDoHere: 'Lo siento, no puedo hacerlo desde aquí. Responde 4 y una persona te ayudará.',
  partialCheckout: (amount, url) => `Puedes pagar ${amount} ahora aquí: ${url}`,
  partialRefused: {
    partial_not_allowed: 'Lo siento, esta cuota no se puede pagar por partes.',
    below_minimum: 'Ese monto es menor que el mínimo que puedes pagar ahora.',
    above_balance: 'Ese monto es mayor que lo que queda por pagar.',
  },
  partialRange: (min, max) => `Puedes pagar desde ${min} hasta ${max}.`,
  promised: (amount, date, resumesOn) =>
    `Gracias, queda anotado: pagarás ${amount} a más tardar el ${date}. No te enviaremos recordatorios hasta entonces. Si el pago no llega, los recordatorios vuelven el ${resumesOn}.`,
  promiseRefused: {
    invalid_date: 'No pude entender esa fecha.',
    invalid_amount: 'No pude entender ese monto.',
    journey_closed: 'Esta cuota ya no admite un compromiso de pago por aquí.',
    promise_open: 'Ya tienes un compromiso de pago abierto para esta cuota.',
    too_many_promises: 'Esta cuota ya tuvo todos los compromisos de pago permitidos.',
    in_the_past: 'Esa fecha ya pasó.',
    too_far_ahead: 'Esa fecha está más lejos de lo que puedo aceptar.',
    above_outstanding: 'Ese monto es mayor que lo que queda por pagar.',
    below_minimum: 'Ese monto es menor que el mínimo de un compromiso de pago.',
  },
  promiseWindow: (min, max) => `Puedes elegir cualquier día entre el ${min} y el ${max}.`,
  promiseAmounts: (min, max) => `El monto puede ser desde ${min} hasta ${max}.`,
  promiseOpen: (amount, date) => `Tu compromiso: ${amount} a más tardar el ${date}.`,
  askPromiseDate:
    'Gracias. ¿Qué día vas a pagar? Responde con el día, por ejemplo "el 20", y el monto si no es el total.',
  promiseDateUnclear: '¿Qué día exactamente? Responde con la fecha, por ejemplo "el 20".',
  handoff: 'Claro. Una persona de nuestro equipo te responderá por aquí lo antes posible. Gracias por tu paciencia.',
  askDate: 'Claro. ¿Qué día te gustaría pagar? Responde con el día, por ejemplo "el 20".',
  anythingElse: '¿Algo más? Responde 4 para hablar con una persona.',
};

const fr: AssistantCopy = {
  greeting: (name, seller) =>
    `Bonjour${name ? ` ${name}` : ''} ! Je suis l'assistant de paiement de ${seller}, je suis là pour vous aider.`,
  menu: 'Répondez avec un numéro :\n1 montant dû\n2 lien de paiement\n3 nouvelle échéance\n4 parler à une personne',
  nothingOpen:
    "Bonne nouvelle : vous n'avez rien à payer pour le moment. Si quelque chose vous semble incorrect, répondez 4 et une personne vérifiera.",
  installment: (product, n, m, amount, date, overdue) =>
    `${product}, échéance ${n} sur ${m} : ${amount}, ${overdue ? 'due depuis le' : 'due le'} ${date}.`,
  link: (url) => `Vous pouvez payer en toute sécurité ici : ${url}`,
  dueDateChanged: (date) => `C'est fait : votre nouvelle date d'échéance est le ${date}.`,
  dueDateRefused: {
    invalid_date: "Je n'ai pas compris cette date.",
    journey_closed: 'Cette échéance ne peut plus être modifiée ici.',
    in_the_past: 'Cette date est déjà passée.',
    unchanged: "C'est déjà votre date d'échéance.",
    beyond_limit: "Je ne peux pas repousser l'échéance aussi loin.",
    too_many_changes: 'Cette échéance a déjà été modifiée autant de fois que possible.',
  },
  dueDateWindow: (min, max) => `Je peux la déplacer à une date entre le ${min} et le ${max}.`,
  cannotDoHere: "Désolé, je ne peux pas le faire d'ici. Répondez 4 et une personne vous aidera.",
  partialCheckout: (amount, url) => `Vous pouvez payer ${amount} maintenant ici : ${url}`,
  partialRefused: {
    partial_not_allowed: 'Désolé, cette échéance ne peut pas être payée en plusieurs fois.',
    below_minimum: 'Ce montant est inférieur au minimum que vous pouvez payer maintenant.',
    above_balance: 'Ce montant dépasse ce qui reste à payer.',
  },
  partialRange: (min, max) => `Vous pouvez payer de ${min} à ${max}.`,
  promised: (amount, date, resumesOn) =>
    `Merci, c'est noté : vous paierez ${amount} au plus tard le ${date}. Nous ne vous enverrons pas de rappel d'ici là. Si le paiement n'est pas arrivé, les rappels reprendront le ${resumesOn}.`,
  promiseRefused: {
    invalid_date: "Je n'ai pas compris cette date.",
    invalid_amount: "Je n'ai pas compris ce montant.",
    journey_closed: "Cette échéance ne peut plus recevoir d'engagement de paiement ici.",
    promise_open: 'Vous avez déjà un engagement de paiement en cours pour cette échéance.',
    too_many_promises: "Cette échéance a déjà eu autant d'engagements de paiement que possible.",
    in_the_past: 'Cette date est déjà passée.',
    too_far_ahead: 'Cette date est plus lointaine que ce que je peux accepter.',
    above_outstanding: 'Ce montant dépasse ce qui reste à payer.',
    below_minimum: "Ce montant est inférieur au minimum d'un engagement de paiement.",
  },
  promiseWindow: (min, max) => `Vous pouvez choisir un jour entre le ${min} et le ${max}.`,
  promiseAmounts: (min, max) => `Le montant peut aller de ${min} à ${max}.`,
  promiseOpen: (amount, date) => `Votre engagement : ${amount} au plus tard le ${date}.`,
  askPromiseDate:
    'Merci. Quel jour allez-vous payer ? Répondez avec le jour, par exemple « le 20 », et le montant si ce n’est pas la totalité.',
  promiseDateUnclear: 'Quel jour exactement ? Répondez avec la date, par exemple « le 20 ».',
  handoff: 'Bien sûr. Une personne de notre équipe vous répondra ici dès que possible. Merci de votre patience.',
  askDate: 'Bien sûr. Quel jour souhaitez-vous payer ? Répondez avec le jour, par exemple « le 20 ».',
  anythingElse: 'Autre chose ? Répondez 4 pour parler à une personne.',
};

const ptBR: AssistantCopy = {
  greeting: (name, seller) =>
    `Olá${name ? `, ${name}` : ''}! Sou o assistente de pagamentos de ${seller} e estou aqui para ajudar.`,
  menu: 'Responda com um número:\n1 valor a pagar\n2 link de pagamento\n3 nova data de vencimento\n4 falar com uma pessoa',
  nothingOpen:
    'Boa notícia: você não tem nada em aberto para pagar agora. Se algo parecer errado, responda 4 e uma pessoa vai verificar.',
  installment: (product, n, m, amount, date, overdue) =>
    `${product}, parcela ${n} de ${m}: ${amount}, ${overdue ? 'venceu em' : 'vence em'} ${date}.`,
  link: (url) => `Você pode pagar com segurança aqui: ${url}`,
  dueDateChanged: (date) => `Pronto: sua nova data de vencimento é ${date}.`,
  dueDateRefused: {
    invalid_date: 'Não consegui entender essa data.',
    journey_closed: 'Esta parcela não pode mais ser alterada por aqui.',
    in_the_past: 'Essa data já passou.',
    unchanged: 'Essa já é a sua data de vencimento.',
    beyond_limit: 'Não consigo adiar o vencimento para tão longe.',
    too_many_changes: 'Este vencimento já foi alterado o número máximo de vezes.',
  },
  dueDateWindow: (min, max) => `Posso mudar para qualquer data entre ${min} e ${max}.`,
  cannotDoHere: 'Desculpe, não consigo fazer isso por aqui. Responda 4 e uma pessoa vai ajudar você.',
  partialCheckout: (amount, url) => `Você pode pagar ${amount} agora aqui: ${url}`,
  partialRefused: {
    partial_not_allowed: 'Desculpe, esta parcela não pode ser paga em partes.',
    below_minimum: 'Esse valor é menor que o mínimo que você pode pagar agora.',
    above_balance: 'Esse valor é maior do que falta pagar.',
  },
  partialRange: (min, max) => `Você pode pagar de ${min} até ${max}.`,
  promised: (amount, date, resumesOn) =>
    `Obrigado, anotado: você vai pagar ${amount} até ${date}. Não enviaremos lembretes até lá. Se o pagamento não chegar, os lembretes voltam em ${resumesOn}.`,
  promiseRefused: {
    invalid_date: 'Não consegui entender essa data.',
    invalid_amount: 'Não consegui entender esse valor.',
    journey_closed: 'Esta parcela não aceita mais uma promessa de pagamento por aqui.',
    promise_open: 'Você já tem uma promessa de pagamento em aberto para esta parcela.',
    too_many_promises: 'Esta parcela já teve o número máximo de promessas de pagamento.',
    in_the_past: 'Essa data já passou.',
    too_far_ahead: 'Essa data está mais longe do que posso aceitar.',
    above_outstanding: 'Esse valor é maior do que falta pagar.',
    below_minimum: 'Esse valor é menor que o mínimo de uma promessa de pagamento.',
  },
  promiseWindow: (min, max) => `Você pode escolher qualquer dia entre ${min} e ${max}.`,
  promiseAmounts: (min, max) => `O valor pode ser de ${min} até ${max}.`,
  promiseOpen: (amount, date) => `Sua promessa: ${amount} até ${date}.`,
  askPromiseDate:
    'Obrigado. Em que dia você vai pagar? Responda com o dia, por exemplo "dia 20", e o valor se não for o total.',
  promiseDateUnclear: 'Qual dia exatamente? Responda com a data, por exemplo "dia 20".',
  handoff: 'Claro. Uma pessoa da nossa equipe vai responder aqui o quanto antes. Obrigado pela paciência.',
  askDate: 'Claro. Em que dia você gostaria de pagar? Responda com o dia, por exemplo "dia 20".',
  anythingElse: 'Mais alguma coisa? Responda 4 para falar com uma pessoa.',
};

export const ASSISTANT_COPY: Readonly<Record<Locale, AssistantCopy>> = { en, es, fr, 'pt-BR': ptBR };
