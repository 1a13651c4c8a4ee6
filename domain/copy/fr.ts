import type { LocaleCopy } from './types';

export const fr: LocaleCopy = {
  greeting: 'Bonjour {name},',
  greetingNoName: 'Bonjour,',
  smsGreeting: 'Bonjour {name},',
  smsGreetingNoName: 'Bonjour,',
  nameFallback: 'à vous',
  installment: 'échéance {n} sur {m}',
  paymentWithAmount: 'votre paiement de {paid}',
  paymentWithoutAmount: 'votre paiement',
  balanceOpen: 'Il reste {amount} à régler avant le {date}.',
  balanceSettled: 'Cette échéance est entièrement réglée.',
  previousDueDate: ' (au lieu du {previousDate})',
  actionLine: '{action} : {url}',
  linkFallback: 'Si le bouton ne fonctionne pas, ouvrez ce lien :',
  assistantInvite:
    'Une question, besoin d’une autre date ? Répondez à ce message pour échanger avec notre assistant : il peut vous indiquer le montant dû, vous envoyer le lien de paiement, décaler la date d’échéance ou vous mettre en relation avec une personne.',
  alsoDue: {
    lead: 'Vous avez aussi ces échéances à régler :',
    item: '{installment} de {product} : {amount}, prévue le {date}',
    sms: 'Aussi à régler : {items}.',
    smsItem: '{product} {n}/{m} {amount} {date}',
    whatsAppVariable: '{installment} (aussi à régler : {items})',
    whatsAppVariableItem: '{product} {n} sur {m}, {amount}, {date}',
  },
  optOut: {
    emailUnsubscribeText: 'Vous ne souhaitez plus recevoir ces e-mails ? Désinscrivez-vous ici : {unsubscribe}',
    emailUnsubscribeLead: 'Vous ne souhaitez plus recevoir ces e-mails ?',
    emailUnsubscribeLabel: 'Se désinscrire',
    emailReply: 'Vous ne souhaitez plus recevoir ces e-mails ? Répondez ARRET à ce message.',
    sms: 'Répondez ARRET pour ne plus recevoir ces messages.',
    whatsapp: 'Répondez ARRET pour ne plus recevoir ces messages.',
  },
  templates: {
    pre_due: {
      subject: 'Rappel : votre paiement {product} arrive à échéance le {date}',
      paragraphs: [
        'Petit rappel : l’{installment} de {product}, d’un montant de {amount}, arrive à échéance le {date}.',
        'Si c’est déjà réglé, merci ! Vous n’avez rien d’autre à faire.',
      ],
      action: 'Payer maintenant',
      sms: "{greeting} petit rappel : l'{installment} de {product} ({amount}) est due le {date}. Payer ici : {url}",
    },
    due_today: {
      subject: 'Votre paiement {product} est dû aujourd’hui',
      paragraphs: [
        'Petit rappel : l’{installment} de {product}, d’un montant de {amount}, est due aujourd’hui ({date}).',
        'Payer par le lien ne prend qu’une minute.',
      ],
      action: 'Payer maintenant',
      sms: "{greeting} l'{installment} de {product} ({amount}) est due aujourd'hui, le {date}. Payer ici : {url}",
    },
    overdue_early: {
      subject: 'Votre paiement {product} est en attente',
      paragraphs: [
        'Nous n’avons pas encore reçu le paiement de l’{installment} de {product}, d’un montant de {amount}, prévue le {date}.',
        'Si vous avez déjà payé, merci et ne tenez pas compte de ce message. Si vous rencontrez une difficulté, répondez à ce message : nous trouverons une solution ensemble.',
      ],
      action: 'Payer maintenant',
      sms: "{greeting} le paiement de l'{installment} de {product} ({amount}), prévue le {date}, est en attente. Déjà payé ? Merci, ignorez ce message. Sinon : {url}",
    },
    overdue_late: {
      subject: 'Nous sommes là pour vous aider avec votre paiement {product}',
      paragraphs: [
        'L’{installment} de {product}, d’un montant de {amount}, prévue le {date}, reste à régler.',
        'Si le moment est difficile, vous pouvez demander une autre date dans l’espace de paiement, ou simplement répondre à ce message : nous vous aiderons.',
      ],
      action: 'Voir les options de paiement',
      sms: "{greeting} l'{installment} de {product} ({amount}, prévue le {date}) reste à régler. Besoin d'une autre date ? Répondez, nous vous aiderons. Payer : {url}",
    },
    final_notice: {
      subject: 'Dernier rappel pour votre paiement {product}',
      paragraphs: [
        'Ceci est notre dernier rappel concernant l’{installment} de {product}, d’un montant de {amount}, prévue le {date}.',
        'Nous tenons à trouver une solution avec vous : payez quand vous le pouvez, demandez une nouvelle date dans l’espace de paiement, ou répondez à ce message et nous verrons ensemble.',
      ],
      action: 'Voir les options de paiement',
      sms: "{greeting} ceci est notre dernier rappel pour l'{installment} de {product} ({amount}, prévue le {date}). Payer : {url} ou répondez-nous, nous trouverons une solution ensemble.",
    },
    promise_broken: {
      subject: 'À propos de votre promesse de paiement pour {product}',
      paragraphs: [
        'Vous nous aviez indiqué que vous régleriez l’{installment} de {product}, d’un montant de {amount}, et nous n’avons pas encore reçu le paiement.',
        'Si vos projets ont changé, vous pouvez toujours payer maintenant, demander une autre date dans l’espace de paiement, ou répondre à ce message : nous trouverons une solution ensemble.',
      ],
      action: 'Voir les options de paiement',
      sms: "{greeting} le paiement promis pour l'{installment} de {product} ({amount}) n'est pas encore arrivé. Payer : {url} ou répondez, nous vous aiderons.",
    },
    payment_confirmation: {
      subject: 'Merci : paiement reçu pour {product}',
      paragraphs: ['Nous avons bien reçu {payment} pour {product} ({installment}). Merci beaucoup !', '{balance}'],
      action: 'Voir mes paiements',
      sms: '{greeting} nous avons bien enregistré {payment} pour {product} ({installment}). Merci ! {balance} Détails : {url}',
    },
    due_date_change_confirmation: {
      subject: 'Nouvelle date pour votre paiement {product} : {date}',
      paragraphs: [
        'C’est fait : l’{installment} de {product} est désormais due le {date}{previous}.',
        'Le montant est de {amount}. Vous pouvez payer quand vous le souhaitez d’ici là.',
      ],
      action: 'Voir mon paiement',
      sms: "{greeting} c'est fait : l'{installment} de {product} ({amount}) est désormais due le {date}{previous}. Payer : {url}",
    },
  },
};
