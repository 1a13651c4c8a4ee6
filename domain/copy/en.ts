import type { LocaleCopy } from './types';

export const en: LocaleCopy = {
  greeting: 'Hi {name},',
  greetingNoName: 'Hi,',
  smsGreeting: 'Hi {name},',
  smsGreetingNoName: 'Hi,',
  nameFallback: 'there',
  installment: 'installment {n} of {m}',
  paymentWithAmount: 'your payment of {paid}',
  paymentWithoutAmount: 'your payment',
  balanceOpen: 'The remaining {amount} is due on {date}.',
  balanceSettled: 'This installment is now fully paid.',
  previousDueDate: ' (previously {previousDate})',
  actionLine: '{action}: {url}',
  linkFallback: 'If the button does not work, open this link:',
  assistantInvite:
    'Questions, or need another date? Reply to this message to talk with our assistant: it can tell you the amount due, send you the payment link, move your due date or put you in touch with a person.',
  alsoDue: {
    lead: 'You also have these installments open:',
    item: '{installment} for {product}: {amount}, due on {date}',
    sms: 'Also due: {items}.',
    smsItem: '{product} {n}/{m} {amount} {date}',
    whatsAppVariable: '{installment} (also due: {items})',
    whatsAppVariableItem: '{product} {n} of {m}, {amount}, {date}',
  },
  optOut: {
    emailUnsubscribeText: 'Prefer not to get these emails? Unsubscribe here: {unsubscribe}',
    emailUnsubscribeLead: 'Prefer not to get these emails?',
    emailUnsubscribeLabel: 'Unsubscribe',
    emailReply: 'Prefer not to get these emails? Reply STOP to this email.',
    sms: 'Reply STOP to opt out.',
    whatsapp: 'Reply STOP to stop these messages.',
  },
  templates: {
    pre_due: {
      subject: 'Coming up: your {product} payment on {date}',
      paragraphs: [
        'A friendly heads-up: {installment} for {product}, {amount}, is due on {date}.',
        'If it is already taken care of, thank you! There is nothing else to do.',
      ],
      action: 'Pay now',
      sms: '{greeting} a friendly reminder: {installment} for {product} ({amount}) is due on {date}. Pay here: {url}',
    },
    due_today: {
      subject: 'Your {product} payment is due today',
      paragraphs: [
        'Just a reminder that {installment} for {product}, {amount}, is due today ({date}).',
        'Paying through the link takes about a minute.',
      ],
      action: 'Pay now',
      sms: '{greeting} {installment} for {product} ({amount}) is due today, {date}. Pay here: {url}',
    },
    overdue_early: {
      subject: 'Your {product} payment is pending',
      paragraphs: [
        'We have not seen the payment for {installment} of {product}, {amount}, which was due on {date}.',
        'If you have already paid, thank you, and please ignore this message. If something came up, reply to this message and we will find a way together.',
      ],
      action: 'Pay now',
      sms: '{greeting} we have not seen {installment} for {product} ({amount}), due {date}. Already paid? Thank you, please ignore this. Pay here: {url}',
    },
    overdue_late: {
      subject: 'We are here to help with your {product} payment',
      paragraphs: [
        'The payment for {installment} of {product}, {amount}, due on {date}, is still open.',
        'If now is a difficult moment, you can ask for another date in the payment area, or simply reply to this message and we will help.',
      ],
      action: 'See payment options',
      sms: '{greeting} {installment} for {product} ({amount}, due {date}) is still open. Need another date? Reply and we will help. Pay here: {url}',
    },
    final_notice: {
      subject: 'A last reminder about your {product} payment',
      paragraphs: [
        'This is our last reminder about {installment} for {product}, {amount}, due on {date}.',
        'We would really like to find a solution with you: pay when you can, ask for a new date in the payment area, or reply to this message and we will work it out together.',
      ],
      action: 'See payment options',
      sms: '{greeting} this is our last reminder about {installment} for {product} ({amount}, due {date}). Pay here: {url} or reply and we will work it out together.',
    },
    promise_broken: {
      subject: 'About your promise to pay for {product}',
      paragraphs: [
        'You told us you would pay {installment} for {product}, {amount}, and we have not received the payment yet.',
        'If your plans changed, you can still pay now, ask for another date in the payment area, or reply to this message and we will work it out together.',
      ],
      action: 'See payment options',
      sms: '{greeting} we have not yet received the payment you promised for {installment} of {product} ({amount}). Pay here: {url} or reply and we will help.',
    },
    payment_confirmation: {
      subject: 'Thank you: payment received for {product}',
      paragraphs: ['We received {payment} for {product} ({installment}). Thank you!', '{balance}'],
      action: 'View your payments',
      sms: '{greeting} thank you! We received {payment} for {product} ({installment}). {balance} Details: {url}',
    },
    due_date_change_confirmation: {
      subject: 'New due date for your {product} payment: {date}',
      paragraphs: [
        'Done: {installment} for {product} is now due on {date}{previous}.',
        'The amount is {amount}. You can pay any time until then.',
      ],
      action: 'View your payment',
      sms: '{greeting} done: {installment} for {product} ({amount}) is now due on {date}{previous}. Pay here: {url}',
    },
  },
};
