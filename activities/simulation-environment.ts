import type { RateLimits } from '../domain/channels';
import type { PublicHolidayLookup } from '../domain/compliance';
import { providerRateLimits } from './channels/provider-config';
import { createPublicHolidayLookup } from './holidays';

/**
 * What a what-if simulation plans against (application/simulation.ts `SimulationEnvironment`):
 * each provider's rate limit as this deployment would set it, and the public holiday calendar
 * the deliver activity's guard observes. For the entry points (the API, `npm run simulate`).
 */
export function simulationEnvironmentFromEnv(env: NodeJS.ProcessEnv): {
  rateLimits: RateLimits;
  publicHolidays: PublicHolidayLookup;
} {
  return { rateLimits: providerRateLimits(env), publicHolidays: createPublicHolidayLookup() };
}
