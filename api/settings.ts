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
}

/** Throws an Error whose message names the variable. `defaultApiKeys` applies when API_KEYS is unset (npm run dev). */
export function apiSettingsFromEnv(env: NodeJS.ProcessEnv, options: { defaultApiKeys?: string } = {}): ApiSettings {
  return {
    ownerKeys: envKeyStore(env.API_KEYS || options.defaultApiKeys),
    webhooks: webhookSettingsFromEnv(env),
    allowPrivateWebhookTargets: allowPrivateTargetsFromEnv(env),
  };
}
