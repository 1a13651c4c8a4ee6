/**
 * The words of the seller app's frame (layout, sign-in, accounts, invites, refusals) and of its
 * emails in one locale. Sentences with values are functions of exactly those values: a locale
 * that forgets a key fails to compile.
 */
export interface SellerCopy {
  layout: {
    product: string;
    skipToContent: string;
    languages: string;
    navigation: string;
    overview: string;
    payments: string;
    tasks: string;
    team: string;
    accounts: string;
    /** The account switcher's label and button. */
    accountInUse: string;
    switchAccount: string;
    signOut: string;
  };
  signIn: {
    title: string;
    intro: string;
    email: string;
    submit: string;
    emailInvalid: string;
    sentTitle: string;
    sentBody: string;
    confirmTitle: string;
    confirmBody: string;
    confirmButton: string;
    linkProblemTitle: string;
    linkProblemBody: string;
    sendNewLink: string;
  };
  invite: {
    title: string;
    body: (v: { tenant: string }) => string;
    accept: string;
    problemTitle: string;
    problemBody: string;
  };
  accounts: {
    title: string;
    owner: string;
    collaborator: (v: { profile: string }) => string;
    current: string;
    use: string;
    noneTitle: string;
    noneBody: string;
  };
  refusals: {
    signedOutTitle: string;
    signedOutBody: string;
    forbiddenTitle: string;
    ownerOnly: string;
    missingPermission: (v: { permission: string }) => string;
    notYourAccount: string;
    formExpiredTitle: string;
    formExpiredBody: string;
    tooManyTitle: string;
    tooManyBody: string;
    errorTitle: string;
    errorBody: string;
    signInAgain: string;
  };
  emails: {
    signInSubject: string;
    signInText: (v: { link: string }) => string;
    inviteSubject: (v: { tenant: string }) => string;
    inviteText: (v: { tenant: string; link: string }) => string;
  };
}
