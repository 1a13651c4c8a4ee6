import type { SellerCopy } from './types';

export const en: SellerCopy = {
  layout: {
    product: 'Collections',
    skipToContent: 'Skip to content',
    languages: 'Language',
    navigation: 'Main',
    overview: 'Overview',
    payments: 'Payments',
    tasks: 'Tasks',
    team: 'Team',
    accounts: 'Accounts',
    accountInUse: 'Account in use',
    switchAccount: 'Switch',
    signOut: 'Sign out',
  },
  signIn: {
    title: 'Sign in',
    intro: 'Enter your email address and we will send you a link to sign in. No password needed.',
    email: 'Email address',
    submit: 'Email me a sign-in link',
    emailInvalid: 'Enter an email address such as name@example.com.',
    sentTitle: 'Check your email',
    sentBody:
      'If this address belongs to an account, a sign-in link is on its way. It works once, for 15 minutes. You can close this page.',
    confirmTitle: 'Sign in',
    confirmBody: 'Press the button to finish signing in.',
    confirmButton: 'Sign in',
    linkProblemTitle: 'This link no longer works',
    linkProblemBody: 'Sign-in links work once and for 15 minutes. Ask for a new one below.',
    sendNewLink: 'Send me a new link',
  },
  invite: {
    title: 'Accept the invitation',
    body: ({ tenant }) => `You are invited to help with ${tenant}'s collections.`,
    accept: 'Accept and sign in',
    problemTitle: 'This invitation no longer works',
    problemBody:
      'It was already used, it expired (invitations last 7 days), or it was withdrawn. Ask the account owner for a new one.',
  },
  accounts: {
    title: 'Accounts',
    owner: 'Owner',
    collaborator: ({ profile }) => `Collaborator · ${profile}`,
    current: 'In use',
    use: 'Use this account',
    noneTitle: 'No account to show',
    noneBody:
      'You no longer own or assist any account. If you think this is a mistake, ask the account owner to invite you again.',
  },
  refusals: {
    signedOutTitle: 'Please sign in',
    signedOutBody: 'Your session ended. Sign in again to continue.',
    forbiddenTitle: 'Not allowed',
    ownerOnly: 'Only the account owner may open this page.',
    missingPermission: ({ permission }) => `Your profile does not include the permission "${permission}".`,
    notYourAccount: 'You do not have access to that account.',
    formExpiredTitle: 'This form expired',
    formExpiredBody: 'For your security the form could not be accepted. Go back, reload the page and try again.',
    tooManyTitle: 'Too many requests',
    tooManyBody: 'Please wait a few minutes before trying again.',
    errorTitle: 'Something went wrong',
    errorBody: 'Please try again in a moment.',
    signInAgain: 'Sign in',
  },
  emails: {
    signInSubject: 'Your sign-in link',
    signInText: ({ link }) =>
      `Open this link to sign in to Collections:\n\n${link}\n\nIt works once, for 15 minutes. If you did not ask for it, ignore this email.`,
    inviteSubject: ({ tenant }) => `You are invited to ${tenant} on Collections`,
    inviteText: ({ tenant, link }) =>
      `You are invited to help with ${tenant}'s collections. Open this link to accept:\n\n${link}\n\nThe invitation lasts 7 days.`,
  },
};
