import type { WebCopy } from './types';

export const fr: WebCopy = {
  languageName: 'Français',
  layout: { skipToContent: 'Aller au contenu', languages: 'Langue' },
  area: {
    title: ({ product }) => `Vos paiements pour ${product}`,
    heading: 'Vos paiements',
    product: 'Produit :',
    soldBy: ({ seller }) => `Vendu par ${seller}`,
    installments: 'Échéances',
    installment: ({ n, m }) => `Échéance ${n} sur ${m}`,
    amount: 'Montant',
    dueDate: 'Date d’échéance',
    status: 'État',
    originallyDue: ({ date }) => `initialement due le ${date}`,
    paidOn: ({ date }) => `payée le ${date}`,
    paidOf: ({ paid, amount }) => `${paid} payés sur ${amount}`,
    noInstallments: 'Aucune échéance à afficher.',
    payNow: ({ amount }) => `Payer ${amount} maintenant`,
    paymentMethod: 'Changer de moyen de paiement',
    partial: {
      legend: 'Payer une partie',
      label: 'Montant à payer',
      hint: ({ min, max }) => `Tout montant de ${min} à ${max}.`,
      submit: 'Payer ce montant',
    },
    dueDateChange: {
      legend: 'Demander une nouvelle date d’échéance',
      label: 'Nouvelle date',
      hint: ({ min, max }) => `Choisissez une date entre le ${min} et le ${max}.`,
      submit: 'Demander cette date',
    },
  },
  statuses: {
    paid_on_time: 'Payée',
    paid_late: 'Payée en retard',
    partially_paid: 'Payée en partie',
    overdue: 'En retard',
    due_today: 'Due aujourd’hui',
    upcoming: 'À venir',
    canceled: 'Annulée',
  },
  notices: {
    dueDateChanged: ({ n, date }) => `C’est fait : l’échéance ${n} est maintenant due le ${date}.`,
    dueDateRefused: {
      invalid_date: 'Cela ne ressemble pas à une date. Merci d’en choisir une dans le calendrier.',
      journey_closed: 'Cette échéance est déjà réglée : sa date ne peut plus changer.',
      in_the_past: 'Cette date est déjà passée. Merci de choisir aujourd’hui ou une date ultérieure.',
      unchanged: 'C’est déjà la date d’échéance. Merci de choisir une autre date.',
      beyond_limit:
        'Cette date est plus lointaine que ce que nous pouvons proposer. Merci de choisir une date plus proche.',
      too_many_changes:
        'La date de cette échéance a déjà été changée autant de fois que possible. Répondez à notre message et nous vous aiderons.',
    },
    partialBelowMinimum: ({ minimum }) => `Le plus petit montant que vous pouvez payer maintenant est ${minimum}.`,
    partialAboveMaximum: ({ maximum }) => `C’est plus que le montant dû. Vous pouvez payer jusqu’à ${maximum}.`,
    amountUnreadable: 'Nous n’avons pas pu lire ce montant. Merci de taper uniquement des chiffres, par exemple 25,50.',
    partialNotAllowed: 'Cette échéance ne peut être payée qu’en entier.',
    tooManyRequests: 'Beaucoup de tentatives en peu de temps. Merci de patienter une minute et de réessayer.',
    formExpired: 'Le formulaire avait expiré et rien n’a été envoyé. Merci de réessayer sur cette page.',
    somethingWentWrong: 'Un problème est survenu de notre côté et rien n’a été modifié. Merci de réessayer plus tard.',
  },
  linkProblem: {
    invalid_link: {
      title: 'Ce lien ne fonctionne pas',
      body: 'Le lien est peut-être incomplet. Ouvrez le dernier message que nous vous avons envoyé et utilisez son lien.',
    },
    expired_link: {
      title: 'Ce lien a expiré',
      body: 'Pour votre sécurité, les liens de paiement ne fonctionnent qu’un temps. Notre prochain message contiendra un nouveau lien.',
    },
    not_found: {
      title: 'Nous n’avons pas trouvé cette page',
      body: 'Vérifiez l’adresse, ou utilisez le lien du dernier message que nous vous avons envoyé.',
    },
    too_many_requests: {
      title: 'Merci de patienter un instant',
      body: 'Nous avons reçu beaucoup de demandes en peu de temps. Merci de réessayer dans une minute.',
    },
    help: 'Besoin d’aide ? Répondez à l’un de nos messages et nous vous répondrons.',
  },
};
