/**
 * The API as Schemathesis meets it: the real app (routes, schemas, plugins) on a fresh migrated
 * database and the in-memory Temporal gateway double, listening on a free loopback port, with a
 * seeded tenant whose owner key the run authenticates with.
 */
import { openTestDatabase, type DriverKind } from '../support/databases';
import { startApi, TENANT_A_KEY } from '../api/support';
import { createTenant } from '../../scripts/create-tenant';
import { RecordingInvitations } from '../support/invitations';

export interface ContractServer {
  /** The document the running app serves about itself. */
  documentUrl: string;
  /** An owner key: every permission, so no operation is refused for want of one. */
  key: string;
  close(): Promise<void>;
}

export async function startContractServer(kind: DriverKind = 'pglite'): Promise<ContractServer> {
  const database = await openTestDatabase(kind);
  // Invites are recorded, as the installation's mailer would send them.
  const api = await startApi(database.db, undefined, { invitations: new RecordingInvitations() });
  // The tenant as an operator creates it. The run authenticates with the installation's key from
  // the environment (API_KEYS), not a database key: its stateful phase lists keys and revokes
  // them, and revoking its own would leave every later request a 401.
  await createTenant(database.db, { id: 'tenant-a', name: 'Contract tests' });
  const address = await api.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    documentUrl: `${address}/docs/json`,
    key: TENANT_A_KEY,
    close: async () => {
      await api.app.close();
      await database.dispose();
    },
  };
}
