import type { WebhookTargetRules } from '../domain/webhook-targets';

/**
 * Where this deployment lets webhooks go: public addresses only, unless the operator runs
 * receivers on a private network and says so (`WEBHOOKS_ALLOW_PRIVATE_TARGETS=true`).
 */
export function webhookTargetRulesFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookTargetRules {
  return { allowPrivate: env.WEBHOOKS_ALLOW_PRIVATE_TARGETS?.trim().toLowerCase() === 'true' };
}
