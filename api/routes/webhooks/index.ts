/**
 * Routes that providers and buyers call without an API key: Twilio and Resend webhooks (they
 * authenticate by signature) and one-click unsubscribe links (signed tokens). Registered
 * outside the authenticated scope; each provider gets its own scope so its body parsing (form,
 * raw JSON, anything) stays its own.
 */
import type { FastifyPluginAsync } from 'fastify';
import resendRoutes from './resend';
import { type WebhookDeps, webhookSettingsProblems } from './shared';
import twilioRoutes from './twilio';
import unsubscribeRoutes from './unsubscribe';

export { NO_WEBHOOK_SETTINGS, type WebhookDeps, type WebhookSettings, webhookSettingsFromEnv } from './shared';

const webhookRoutes: FastifyPluginAsync<WebhookDeps> = async (app, deps) => {
  const problems = webhookSettingsProblems(deps.settings);
  if (problems.length) throw new Error(problems.join('; '));
  // Twilio signs the exact URL: `https://host/` + `/webhooks/…` must not become `//webhooks`.
  const settings = { ...deps.settings, publicBaseUrl: deps.settings.publicBaseUrl?.replace(/\/+$/, '') ?? null };
  const scoped = { ...deps, settings };
  await app.register(twilioRoutes, scoped);
  await app.register(resendRoutes, scoped);
  await app.register(unsubscribeRoutes, scoped);
};

export default webhookRoutes;
