/**
 * The seller app's answers that are a sentence rather than a page of data: signed out, refused,
 * no account left, a form that expired, too many requests, our failure. Each is a page (never
 * JSON) in the person's language, with the status a client can act on.
 */
import type { FastifyReply } from 'fastify';
import type { Refusal } from '../../domain/permissions';
import { SELLER_COPY } from './copy';
import { renderSellerPage, renderSignedOutPage, requestLocale } from './render';

export interface MessagePage {
  title: string;
  heading: string;
  lines: string[];
  link?: { href: string; label: string } | undefined;
  /** Why the request was refused (the page's `data-refusal`, which tests read), when it was. */
  refusal?: string | undefined;
}

const TEMPLATE = 'sign-in-message';

/** With the navigation when the person is signed in to an account, without otherwise. */
export function renderMessage(reply: FastifyReply, page: MessagePage, status: number): FastifyReply {
  return reply.request.seller
    ? renderSellerPage(reply, TEMPLATE, page, status)
    : renderSignedOutPage(reply, TEMPLATE, page, { status });
}

const copyOf = (reply: FastifyReply) => SELLER_COPY[reply.request.seller?.locale ?? requestLocale(reply.request)];

/** A page asked for without a session: a GET goes to sign-in (and back after), a form gets a 401 page. */
export function answerSignedOut(reply: FastifyReply): FastifyReply {
  const request = reply.request;
  if (request.method === 'GET' || request.method === 'HEAD')
    return reply.redirect(`/app/sign-in?${new URLSearchParams({ next: request.url }).toString()}`, 303);
  const copy = copyOf(reply).refusals;
  return renderMessage(
    reply,
    {
      title: copy.signedOutTitle,
      heading: copy.signedOutTitle,
      lines: [copy.signedOutBody],
      link: { href: '/app/sign-in', label: copy.signInAgain },
      refusal: 'signed_out',
    },
    401,
  );
}

export function answerRefused(reply: FastifyReply, refused: Refusal | 'not_your_account'): FastifyReply {
  const copy = copyOf(reply).refusals;
  const why =
    refused === 'not_your_account'
      ? copy.notYourAccount
      : refused.reason === 'missing_permission'
        ? copy.missingPermission({ permission: refused.permission })
        : copy.ownerOnly;
  const refusal = refused === 'not_your_account' ? refused : refused.reason;
  return renderMessage(reply, { title: copy.forbiddenTitle, heading: copy.forbiddenTitle, lines: [why], refusal }, 403);
}

/** Signed in, but every seat was removed: say so, and offer sign-out. */
export function answerNoAccount(reply: FastifyReply, signOutToken: string): FastifyReply {
  const copy = copyOf(reply).accounts;
  return renderSignedOutPage(
    reply,
    TEMPLATE,
    { title: copy.noneTitle, heading: copy.noneTitle, lines: [copy.noneBody], refusal: 'no_account' },
    { status: 403, signOutToken },
  );
}

export function answerFormExpired(reply: FastifyReply): FastifyReply {
  const copy = copyOf(reply).refusals;
  return renderMessage(
    reply,
    { title: copy.formExpiredTitle, heading: copy.formExpiredTitle, lines: [copy.formExpiredBody] },
    403,
  );
}

export function answerTooMany(reply: FastifyReply): FastifyReply {
  const copy = copyOf(reply).refusals;
  return renderMessage(reply, { title: copy.tooManyTitle, heading: copy.tooManyTitle, lines: [copy.tooManyBody] }, 429);
}

export function answerFailure(reply: FastifyReply, status: number): FastifyReply {
  const copy = copyOf(reply).refusals;
  return renderMessage(reply, { title: copy.errorTitle, heading: copy.errorTitle, lines: [copy.errorBody] }, status);
}
