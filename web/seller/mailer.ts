/**
 * The seller app's emails (sign-in links, invites), worded in the locale the request was made in.
 * In production they go through the email channel's sender (Resend, which takes the attempt id
 * as its Idempotency-Key); `npm run dev` prints the link instead, without the address.
 */
import type { NotificationEmailSender } from '../../application/seller-notifier';
import type { SignInEmail, SignInMailer } from '../../application/sign-in';
import { escapeHtml } from '../../domain/html';
import { SELLER_COPY } from './copy';

export function wordedSignInEmail(email: SignInEmail): { subject: string; text: string } {
  const copy = SELLER_COPY[email.locale].emails;
  return email.kind === 'sign_in'
    ? { subject: copy.signInSubject, text: copy.signInText({ link: email.link }) }
    : {
        subject: copy.inviteSubject({ tenant: email.tenantName }),
        text: copy.inviteText({ tenant: email.tenantName, link: email.link }),
      };
}

export function emailSignInMailer(sender: NotificationEmailSender): SignInMailer {
  return {
    async send(email) {
      const { subject, text } = wordedSignInEmail(email);
      const outcome = await sender.send({
        channel: 'email',
        attemptId: `seller-app/${email.kind}/${email.linkId}`,
        to: email.to,
        locale: email.locale,
        template: `seller_${email.kind}`,
        tags: { tenant: 'seller-app', journey: 'none', step: email.kind },
        subject,
        text,
        html: `<pre style="white-space:pre-wrap;font-family:inherit">${escapeHtml(text)}</pre>`,
      });
      if (outcome.kind !== 'sent') throw new Error(`the ${email.kind} email was refused by the email provider`);
    },
  };
}

/** Prints each link on one line (never the address): `npm run dev`, or an API with no email provider. */
export function printedSignInMailer(print: (line: string) => void): SignInMailer {
  return {
    async send(email) {
      print(
        email.kind === 'sign_in'
          ? `Seller app sign-in link: ${email.link}`
          : `Seller app invite to ${email.tenantName}: ${email.link}`,
      );
    },
  };
}
