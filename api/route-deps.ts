import type { Database } from '../db/client';
import type { JourneyGateway } from '../application/journey-gateway';
import type { PolicyCatalog } from '../application/policy-catalog';

/** What every route module is given by `buildApp`. */
export interface RouteDeps {
  db: Database;
  gateway: JourneyGateway;
  policies: PolicyCatalog;
}
