/**
 * What the API process reads from its environment, read and checked before anything starts:
 * a wrong variable stops the process with its name, not a request later.
 */
import { type ApiKeyStore, envKeyStore } from '../application/key-stores';
import { type WebhookSettings, webhookSettingsFromEnv } from './routes/webhooks/index';
import { allowPrivateTargetsFromEnv } from '../application/webhook-url-check';

export interface ApiSettings {
  /** Owner keys from `API_KEYS`, besides the keys tenants create through the API. */
  ownerKeys: ApiKeyStore & { size: number };
  webhooks: WebhookSettings;
  /** `WEBHOOKS_ALLOW_PRIVATE_TARGETS=true`: tenants may register endpoints on private networks. */
  allowPrivateWebhookTargets: boolean;
  /** `SESSION_SECRET`: signs the seller app's session cookie; null outside production when unset. */
  sessionSecret: string | null;
}

/** Throws an Error whose message names the variable. `defaultApiKeys` applies when API_KEYS is unset (npm run dev). */
export function apiSettingsFromEnv(env: NodeJS.ProcessEnv, options: { defaultApiKeys?: string } = {}): ApiSettings {
  return {
    ownerKeys: envKeyStore(env.API_KEYS || options.defaultApiKeys),
    webhooks: webhookSettingsFromEnv(env),
    allowPrivateWebhookTargets: allowPrivateTargetsFromEnv(env),
    sessionSecret: sessionSecretFromEnv(env),
  };
}

/**
 * SESSION_SECRET: at least 32 characters, required in production (NODE_ENV=production). Elsewhere
 * an unset one is null and the caller makes one per run (sessions then end at a restart).
 */
export function sessionSecretFromEnv(env: NodeJS.ProcessEnv): string | null {
  const secret = env.SESSION_SECRET;
  if (secret) {
    if (secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
    return secret;
  }
  if (env.NODE_ENV === 'production') throw new Error('SESSION_SECRET is required when NODE_ENV=production');
  return null;
}
