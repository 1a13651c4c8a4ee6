import type { WebCopy } from './types';

export const en: WebCopy = {
  languageName: 'English',
  layout: { skipToContent: 'Skip to content', languages: 'Language' },
  area: {
    title: ({ product }) => `Your payments for ${product}`,
    heading: 'Your payments',
    product: 'Product:',
    soldBy: ({ seller }) => `Sold by ${seller}`,
    installments: 'Installments',
    installment: ({ n, m }) => `Installment ${n} of ${m}`,
    amount: 'Amount',
    dueDate: 'Due date',
    status: 'Status',
    originallyDue: ({ date }) => `originally due ${date}`,
    paidOn: ({ date }) => `paid on ${date}`,
    paidOf: ({ paid, amount }) => `Paid ${paid} of ${amount}`,
    noInstallments: 'There are no installments to show.',
    payNow: ({ amount }) => `Pay ${amount} now`,
    paymentMethod: 'Change payment method',
    partial: {
      legend: 'Pay part of it',
      label: 'Amount to pay',
      hint: ({ min, max }) => `Any amount from ${min} to ${max}.`,
      submit: 'Pay this amount',
    },
    dueDateChange: {
      legend: 'Ask for a new due date',
      label: 'New due date',
      hint: ({ min, max }) => `Choose a date from ${min} to ${max}.`,
      submit: 'Ask for this date',
    },
  },
  statuses: {
    paid_on_time: 'Paid',
    paid_late: 'Paid late',
    partially_paid: 'Partly paid',
    overdue: 'Overdue',
    due_today: 'Due today',
    upcoming: 'Upcoming',
    canceled: 'Canceled',
  },
  notices: {
    dueDateChanged: ({ n, date }) => `Done: installment ${n} is now due on ${date}.`,
    dueDateRefused: {
      invalid_date: 'That does not look like a date. Please pick one from the calendar.',
      journey_closed: 'This installment is already settled, so its due date can no longer change.',
      in_the_past: 'That date has already passed. Please choose today or a later date.',
      unchanged: 'That is already the due date. Please choose a different date.',
      beyond_limit: 'That date is further away than we can offer. Please choose an earlier date.',
      too_many_changes:
        'The due date of this installment has already been changed as often as we can allow. Reply to our message and we will help.',
    },
    partialBelowMinimum: ({ minimum }) => `The smallest amount you can pay now is ${minimum}.`,
    partialAboveMaximum: ({ maximum }) => `That is more than is open. You can pay up to ${maximum}.`,
    amountUnreadable: 'We could not read that amount. Please type numbers only, for example 25.50.',
    partialNotAllowed: 'This installment can only be paid in full.',
    tooManyRequests: 'That was a lot of attempts in a short time. Please wait a minute and try again.',
    formExpired: 'The form had expired, so nothing was sent. Please try again on this page.',
    somethingWentWrong: 'Something went wrong on our side and nothing was changed. Please try again later.',
  },
  linkProblem: {
    invalid_link: {
      title: 'This link does not work',
      body: 'The link may be incomplete. Please open the most recent message we sent you and use its link.',
    },
    expired_link: {
      title: 'This link has expired',
      body: 'For your security, payment links only work for a while. Our next message will bring a fresh link.',
    },
    not_found: {
      title: 'We could not find this page',
      body: 'Please check the address, or use the link in the most recent message we sent you.',
    },
    too_many_requests: {
      title: 'Please wait a moment',
      body: 'We received many requests in a short time. Please try again in a minute.',
    },
    help: 'Need help? Reply to any of our messages and we will answer.',
  },
};
