/**
 * The page for a payment-area link that cannot be shown. It says what the buyer can do next and
 * nothing else: no product, no seller, no amount, not even whether the link was ever valid.
 */
import type { Locale } from '../domain/locales';
import { type LinkProblemReason, WEB_COPY } from './copy';
import { type PageFrame, pageFrame } from './page-frame';

/** The HTTP status each reason is sent with, unless the route says otherwise. */
export const LINK_PROBLEM_STATUS: Readonly<Record<LinkProblemReason, number>> = {
  // A tampered or foreign link is reported like one that never existed.
  invalid_link: 404,
  expired_link: 410,
  not_found: 404,
  too_many_requests: 429,
};

export interface LinkProblemPage {
  frame: PageFrame;
  title: string;
  body: string;
  help: string;
}

/** `self` is the URL the buyer opened: the language links keep it. */
export function presentLinkProblem(reason: LinkProblemReason, locale: Locale, self: string): LinkProblemPage {
  const copy = WEB_COPY[locale].linkProblem;
  // A reason this build does not know reads as a link that does not work.
  const words = copy[reason] ?? copy.invalid_link;
  return { frame: pageFrame(locale, words.title, self), title: words.title, body: words.body, help: copy.help };
}
