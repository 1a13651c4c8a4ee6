/**
 * One-click unsubscribe (RFC 8058) for the links in our emails. GET shows a page with a
 * confirm button and changes nothing (mail scanners and previews fetch links); POST — the mail
 * client's one-click request (`List-Unsubscribe=One-Click`) or the page's form — records the
 * opt-out for the address and tells its open journeys. Tokens are signed, encrypted and
 * expiring (application/unsubscribe-links.ts). Without LINK_SIGNING_SECRET and PUBLIC_BASE_URL the
 * routes answer 404, as if they did not exist.
 *
 * The path is a wildcard rather than `:token`: a token grows with the address (up to 254
 * characters of email), past the router's 256-character limit on parameters.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { recordOptOut } from '../../../db/contact-repository';
import type { Actor } from '../../../domain/journey';
import { problem, sendProblem } from '../../problem';
import { type UnsubscribeTokenCheck, verifyUnsubscribeToken } from '../../../application/unsubscribe-links';
import { type WebhookDeps, notifyJourneysAt } from './shared';

const LINK: Actor = { kind: 'system', id: 'unsubscribe-link' };

/** The page speaks every language we write in: the token does not say which one the buyer reads. */
const TEXT = {
  confirm: {
    title: 'Unsubscribe',
    lines: [
      ['en', 'Stop receiving payment reminders at this address?'],
      ['es', '¿Dejar de recibir recordatorios de pago en esta dirección?'],
      ['fr', 'Ne plus recevoir de rappels de paiement à cette adresse ?'],
      ['pt-BR', 'Parar de receber lembretes de pagamento neste endereço?'],
    ],
    button: 'Unsubscribe · Darme de baja · Me désabonner · Cancelar inscrição',
  },
  done: {
    title: 'Unsubscribed',
    lines: [
      ['en', 'Done: we will send no more payment reminders to this address.'],
      ['es', 'Listo: no enviaremos más recordatorios de pago a esta dirección.'],
      ['fr', 'C’est fait : nous n’enverrons plus de rappels de paiement à cette adresse.'],
      ['pt-BR', 'Pronto: não enviaremos mais lembretes de pagamento para este endereço.'],
    ],
  },
  refused: {
    title: 'Link not valid',
    lines: [
      [
        'en',
        'This link is not valid or has expired. To stop the reminders, use the link in a recent message or contact the seller.',
      ],
      [
        'es',
        'Este enlace no es válido o ha caducado. Para dejar de recibir recordatorios, usa el enlace de un mensaje reciente o contacta al vendedor.',
      ],
      [
        'fr',
        'Ce lien n’est pas valide ou a expiré. Pour ne plus recevoir de rappels, utilisez le lien d’un message récent ou contactez le vendeur.',
      ],
      [
        'pt-BR',
        'Este link não é válido ou expirou. Para não receber mais lembretes, use o link de uma mensagem recente ou fale com o vendedor.',
      ],
    ],
  },
} as const;

function page(title: string, lines: readonly (readonly [string, string])[], form?: string): string {
  const paragraphs = lines.map(([lang, text]) => `<p lang="${lang}">${text}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}button{font:inherit;padding:.6rem 1rem;cursor:pointer}</style>
</head>
<body>
<h1>${title}</h1>
${paragraphs}
${form ?? ''}
</body>
</html>
`;
}

const CONFIRM_FORM = `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${TEXT.confirm.button}</button></form>`;

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return (
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      // The token is in the URL: never pass it on in a Referer.
      .header('referrer-policy', 'no-referrer')
      .header('x-robots-tag', 'noindex')
      .header('x-frame-options', 'DENY')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      )
      .send(html)
  );
}

const wantsHtml = (request: FastifyRequest) => /text\/html/i.test(request.headers.accept ?? '');

const unsubscribeRoutes: FastifyPluginAsync<WebhookDeps> = async (app, { db, gateway, settings }) => {
  // The one-click POST's body is fixed by RFC 8058 (form or multipart) and carries nothing we
  // need: the token says who. Accept any type, read at most a little, ignore it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_request, _body, done) =>
    done(null, null),
  );

  function check(request: FastifyRequest): UnsubscribeTokenCheck | 'disabled' {
    if (!settings.linkKeys || !settings.publicBaseUrl) return 'disabled';
    const token = (request.params as { '*'?: string })['*'] ?? '';
    return verifyUnsubscribeToken(token, settings.linkKeys, Date.now());
  }

  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(
      reply,
      problem(404, 'route-not-found', 'No such route', {
        detail: `${request.method} ${request.url.split('/').slice(0, 2).join('/')}/…`,
      }),
    );

  function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    reason: Exclude<UnsubscribeTokenCheck, { ok: true }>['reason'],
  ) {
    if (request.method === 'GET' || wantsHtml(request))
      return sendPage(reply, 403, page(TEXT.refused.title, TEXT.refused.lines));
    return sendProblem(
      reply,
      problem(403, 'link-invalid', 'This unsubscribe link is not valid', {
        detail: reason === 'expired' ? 'The link has expired.' : 'The link is not one of ours or was altered.',
      }),
    );
  }

  app.get('/unsubscribe/*', { schema: { hide: true } }, async (request, reply) => {
    const checked = check(request);
    if (checked === 'disabled') return notFound(request, reply);
    if (!checked.ok) return refuse(request, reply, checked.reason);
    return sendPage(reply, 200, page(TEXT.confirm.title, TEXT.confirm.lines, CONFIRM_FORM));
  });

  app.post('/unsubscribe/*', { schema: { hide: true } }, async (request, reply) => {
    const checked = check(request);
    if (checked === 'disabled') return notFound(request, reply);
    if (!checked.ok) return refuse(request, reply, checked.reason);
    await recordOptOut(db, checked.channel, checked.address, 'link');
    await notifyJourneysAt(request.log, { db, gateway }, 'optOut', checked.channel, checked.address, LINK);
    return sendPage(reply, 200, page(TEXT.done.title, TEXT.done.lines));
  });
};

export default unsubscribeRoutes;
