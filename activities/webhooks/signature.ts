import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * The `webhook-signature` header of the Standard Webhooks scheme: a `v1,<base64 HMAC-SHA256>`
 * entry per secret (the current one and any previous one still in its grace period, so a
 * receiver that has not switched yet still verifies), over `<id>.<timestamp>.<body>`. The HMAC key
 * is the base64 part of the `whsec_` secret.
 */
export function webhookSignature(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  const signed = `${id}.${timestamp}.${body}`;
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
      return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
    })
    .join(' ');
}
