import type { SellerCopy } from './types';

export const fr: SellerCopy = {
  layout: {
    product: 'Recouvrement',
    skipToContent: 'Aller au contenu',
    languages: 'Langue',
    navigation: 'Principale',
    overview: 'Vue d’ensemble',
    payments: 'Paiements',
    tasks: 'Tâches',
    team: 'Équipe',
    accounts: 'Comptes',
    accountInUse: 'Compte utilisé',
    switchAccount: 'Changer',
    signOut: 'Se déconnecter',
  },
  signIn: {
    title: 'Se connecter',
    intro: 'Saisissez votre adresse e-mail : nous vous enverrons un lien de connexion. Aucun mot de passe.',
    email: 'Adresse e-mail',
    submit: 'M’envoyer un lien de connexion',
    emailInvalid: 'Saisissez une adresse e-mail comme nom@exemple.fr.',
    sentTitle: 'Consultez vos e-mails',
    sentBody:
      'Si cette adresse correspond à un compte, un lien de connexion vous a été envoyé. Il fonctionne une fois, pendant 15 minutes. Vous pouvez fermer cette page.',
    confirmTitle: 'Se connecter',
    confirmBody: 'Appuyez sur le bouton pour terminer la connexion.',
    confirmButton: 'Se connecter',
    linkProblemTitle: 'Ce lien ne fonctionne plus',
    linkProblemBody:
      'Les liens de connexion fonctionnent une fois et pendant 15 minutes. Demandez-en un nouveau ci-dessous.',
    sendNewLink: 'M’envoyer un nouveau lien',
  },
  invite: {
    title: 'Accepter l’invitation',
    body: ({ tenant }) => `Vous êtes invité·e à aider au recouvrement de ${tenant}.`,
    accept: 'Accepter et se connecter',
    problemTitle: 'Cette invitation ne fonctionne plus',
    problemBody:
      'Elle a déjà servi, elle a expiré (les invitations durent 7 jours) ou elle a été retirée. Demandez-en une nouvelle au titulaire du compte.',
  },
  accounts: {
    title: 'Comptes',
    owner: 'Titulaire',
    collaborator: ({ profile }) => `Collaborateur · ${profile}`,
    current: 'Utilisé',
    use: 'Utiliser ce compte',
    noneTitle: 'Aucun compte',
    noneBody:
      'Vous ne possédez ni n’assistez plus aucun compte. S’il s’agit d’une erreur, demandez au titulaire de vous inviter à nouveau.',
  },
  refusals: {
    signedOutTitle: 'Veuillez vous connecter',
    signedOutBody: 'Votre session a pris fin. Connectez-vous à nouveau pour continuer.',
    forbiddenTitle: 'Non autorisé',
    ownerOnly: 'Seul le titulaire du compte peut ouvrir cette page.',
    missingPermission: ({ permission }) => `Votre profil n’inclut pas l’autorisation « ${permission} ».`,
    notYourAccount: 'Vous n’avez pas accès à ce compte.',
    formExpiredTitle: 'Ce formulaire a expiré',
    formExpiredBody:
      'Pour votre sécurité, le formulaire n’a pas pu être accepté. Revenez en arrière, rechargez la page et réessayez.',
    tooManyTitle: 'Trop de demandes',
    tooManyBody: 'Veuillez patienter quelques minutes avant de réessayer.',
    errorTitle: 'Un problème est survenu',
    errorBody: 'Veuillez réessayer dans un instant.',
    signInAgain: 'Se connecter',
  },
  emails: {
    signInSubject: 'Votre lien de connexion',
    signInText: ({ link }) =>
      `Ouvrez ce lien pour vous connecter à Recouvrement :\n\n${link}\n\nIl fonctionne une fois, pendant 15 minutes. Si vous ne l’avez pas demandé, ignorez cet e-mail.`,
    inviteSubject: ({ tenant }) => `Invitation à ${tenant} sur Recouvrement`,
    inviteText: ({ tenant, link }) =>
      `Vous êtes invité·e à aider au recouvrement de ${tenant}. Ouvrez ce lien pour accepter :\n\n${link}\n\nL’invitation dure 7 jours.`,
  },
};
