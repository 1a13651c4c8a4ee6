import type { Channel } from './channels';
import type { Locale } from './installment';

/**
 * Reminder content. Pure: the same facts always render the same text. Plain and kind on
 * purpose; the channels issue brings per-channel formats (HTML, SMS segments, WhatsApp templates).
 */
export interface MessageFacts {
  template: string;
  channel: Channel;
  locale: Locale;
  buyerName: string;
  productName: string;
  amountDueMinor: number;
  currency: string;
  /** YYYY-MM-DD */
  dueDate: string;
  installmentNumber: number;
  installmentCount: number;
  paymentUrl: string;
}

export interface RenderedMessage {
  subject: string | null;
  body: string;
}

type Copy = { subject: string; body: string };
type LocaleCopy = Record<'pre_due' | 'due_today' | 'overdue_early' | 'overdue_late' | 'final_notice', Copy> & {
  optOut: Record<Channel, string>;
};

const COPY: Record<Locale, LocaleCopy> = {
  en: {
    pre_due: { subject: 'Your payment for {product} is due on {date}', body: 'Hi {name}, a friendly reminder: installment {n} of {m} for {product} ({amount}) is due on {date}. You can pay here: {url}' },
    due_today: { subject: 'Your payment for {product} is due today', body: 'Hi {name}, installment {n} of {m} for {product} ({amount}) is due today. Pay in a minute here: {url}' },
    overdue_early: { subject: 'Your payment for {product} is pending', body: 'Hi {name}, we could not find your payment of {amount} for {product} (installment {n} of {m}, due {date}). If you have already paid, thank you and please ignore this. Otherwise: {url}' },
    overdue_late: { subject: 'We are here to help with your {product} payment', body: 'Hi {name}, your payment of {amount} for {product} (due {date}) is still open. If you need another date, reply and we will help. Pay here: {url}' },
    final_notice: { subject: 'Last reminder about your {product} payment', body: 'Hi {name}, this is our last reminder about {amount} for {product}, due {date}. Please pay or contact us so we can find a solution together: {url}' },
    optOut: { email: 'To stop these emails, reply STOP.', sms: 'Reply STOP to opt out.', whatsapp: 'Reply STOP to opt out.' },
  },
  es: {
    pre_due: { subject: 'Tu pago de {product} vence el {date}', body: 'Hola {name}, un recordatorio amable: la cuota {n} de {m} de {product} ({amount}) vence el {date}. Puedes pagar aquí: {url}' },
    due_today: { subject: 'Tu pago de {product} vence hoy', body: 'Hola {name}, la cuota {n} de {m} de {product} ({amount}) vence hoy. Paga en un minuto aquí: {url}' },
    overdue_early: { subject: 'Tu pago de {product} está pendiente', body: 'Hola {name}, no encontramos tu pago de {amount} de {product} (cuota {n} de {m}, vencida el {date}). Si ya pagaste, gracias e ignora este mensaje. Si no: {url}' },
    overdue_late: { subject: 'Estamos para ayudarte con tu pago de {product}', body: 'Hola {name}, tu pago de {amount} de {product} (vencido el {date}) sigue abierto. Si necesitas otra fecha, responde y te ayudamos. Paga aquí: {url}' },
    final_notice: { subject: 'Último recordatorio sobre tu pago de {product}', body: 'Hola {name}, este es nuestro último recordatorio sobre {amount} de {product}, vencido el {date}. Paga o contáctanos para encontrar juntos una solución: {url}' },
    optOut: { email: 'Para no recibir más correos, responde BAJA.', sms: 'Responde BAJA para no recibir más mensajes.', whatsapp: 'Responde BAJA para no recibir más mensajes.' },
  },
  fr: {
    pre_due: { subject: 'Votre paiement pour {product} est dû le {date}', body: 'Bonjour {name}, petit rappel : l’échéance {n} sur {m} pour {product} ({amount}) est due le {date}. Vous pouvez payer ici : {url}' },
    due_today: { subject: 'Votre paiement pour {product} est dû aujourd’hui', body: 'Bonjour {name}, l’échéance {n} sur {m} pour {product} ({amount}) est due aujourd’hui. Payez en une minute ici : {url}' },
    overdue_early: { subject: 'Votre paiement pour {product} est en attente', body: 'Bonjour {name}, nous n’avons pas trouvé votre paiement de {amount} pour {product} (échéance {n} sur {m}, due le {date}). Si vous avez déjà payé, merci et ignorez ce message. Sinon : {url}' },
    overdue_late: { subject: 'Nous sommes là pour vous aider avec votre paiement {product}', body: 'Bonjour {name}, votre paiement de {amount} pour {product} (dû le {date}) est toujours ouvert. Besoin d’une autre date ? Répondez et nous vous aiderons. Payer ici : {url}' },
    final_notice: { subject: 'Dernier rappel pour votre paiement {product}', body: 'Bonjour {name}, ceci est notre dernier rappel concernant {amount} pour {product}, dû le {date}. Payez ou contactez-nous pour trouver ensemble une solution : {url}' },
    optOut: { email: 'Pour ne plus recevoir ces e-mails, répondez ARRET.', sms: 'Répondez ARRET pour vous désinscrire.', whatsapp: 'Répondez ARRET pour vous désinscrire.' },
  },
  'pt-BR': {
    pre_due: { subject: 'Seu pagamento de {product} vence em {date}', body: 'Olá {name}, um lembrete amigável: a parcela {n} de {m} de {product} ({amount}) vence em {date}. Você pode pagar aqui: {url}' },
    due_today: { subject: 'Seu pagamento de {product} vence hoje', body: 'Olá {name}, a parcela {n} de {m} de {product} ({amount}) vence hoje. Pague em um minuto aqui: {url}' },
    overdue_early: { subject: 'Seu pagamento de {product} está pendente', body: 'Olá {name}, não encontramos seu pagamento de {amount} de {product} (parcela {n} de {m}, vencida em {date}). Se você já pagou, obrigado e desconsidere. Se não: {url}' },
    overdue_late: { subject: 'Estamos aqui para ajudar com seu pagamento de {product}', body: 'Olá {name}, seu pagamento de {amount} de {product} (vencido em {date}) continua em aberto. Precisa de outra data? Responda e ajudamos. Pague aqui: {url}' },
    final_notice: { subject: 'Último lembrete sobre seu pagamento de {product}', body: 'Olá {name}, este é nosso último lembrete sobre {amount} de {product}, vencido em {date}. Pague ou fale conosco para encontrarmos juntos uma solução: {url}' },
    optOut: { email: 'Para não receber mais e-mails, responda SAIR.', sms: 'Responda SAIR para não receber mais mensagens.', whatsapp: 'Responda SAIR para não receber mais mensagens.' },
  },
};

export function formatAmount(amountMinor: number, currency: string, locale: Locale): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

export function formatDate(date: string, locale: Locale): string {
  // A due date is a calendar date: format it in UTC so no time zone shifts the day.
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

export function renderReminder(facts: MessageFacts): RenderedMessage {
  const copy = COPY[facts.locale];
  const template = (copy as unknown as Record<string, Copy | undefined>)[facts.template] ?? copy.overdue_early;
  const values: Record<string, string> = {
    name: facts.buyerName,
    product: facts.productName,
    amount: formatAmount(facts.amountDueMinor, facts.currency, facts.locale),
    date: formatDate(facts.dueDate, facts.locale),
    n: String(facts.installmentNumber),
    m: String(facts.installmentCount),
    url: facts.paymentUrl,
  };
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
  return {
    subject: facts.channel === 'email' ? fill(template.subject) : null,
    body: `${fill(template.body)}\n\n${copy.optOut[facts.channel]}`,
  };
}
