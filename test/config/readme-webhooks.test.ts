/**
 * The README's "Outbound webhooks" section as a receiver reads it: its verification snippet,
 * run as written, accepts what an independent Standard Webhooks implementation signs (with one
 * secret or two during a rotation) and refuses a changed body, an unknown secret and an old
 * timestamp; every event type has a sample; the application's secrets have the documented form.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret } from '../../application/webhook-endpoints';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events';
import { PROJECT_ROOT } from '../../scripts/npm-script';

type Verify = (secret: string, headers: Record<string, string>, body: string) => boolean;

const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Outbound webhooks'), readme.indexOf('\n## API'));

/** The snippet's `verify`, built from the README's text (its import replaced by the module it names). */
async function readmeVerify(): Promise<Verify> {
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('no js block in "Outbound webhooks"');
  const body = code.replace(/^import \{([^}]+)\} from 'node:crypto';$/m, 'const {$1} = crypto;');
  const crypto = await import('node:crypto');
  return new Function('crypto', 'Buffer', `${body}\nreturn verify;`)(crypto, Buffer) as Verify;
}

function signed(secrets: string[], body: string, at = new Date()) {
  const id = 'evt_kJ3vQ8rT1mZx0aLp5NcW2yHbEo';
  const signatures = secrets.map((secret) => new Webhook(secret).sign(id, at, body));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

describe('README: outbound webhooks', () => {
  it('its verification snippet agrees with an independent Standard Webhooks implementation', async () => {
    const verify = await readmeVerify();
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const body = JSON.stringify({ id: 'evt_kJ3vQ8rT1mZx0aLp5NcW2yHbEo', type: 'payment.recorded', data: {} });

    expect(verify(current, signed([current], body), body)).toBe(true);
    const duringRotation = signed([current, previous], body);
    expect(verify(current, duringRotation, body)).toBe(true);
    expect(verify(previous, duringRotation, body)).toBe(true);

    expect(verify(current, signed([current], body), `${body} `)).toBe(false);
    expect(verify(`whsec_${randomBytes(32).toString('base64')}`, signed([current], body), body)).toBe(false);
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    expect(verify(current, signed([current], body, tenMinutesAgo), body)).toBe(false);
  });

  it('shows a sample of every event type', () => {
    const missing = WEBHOOK_EVENT_TYPES.filter(
      (type) =>
        !section.includes(`// ${type}\n`) &&
        !section.includes(`// ${type} —`) &&
        !section.includes(`"type": "${type}"`),
    );
    expect(missing).toEqual([]);
  });

  it('a secret is whsec_ and the base64 of 32 random bytes, as documented', () => {
    const secret = newWebhookSecret();
    expect(section).toContain('base64-decoded part of the secret after `whsec_`');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });
});
