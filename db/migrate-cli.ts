import { openDatabase } from './client';

const handle = openDatabase({
  url: process.env.DATABASE_URL || undefined,
  dataDir: process.env.PGLITE_DIR || undefined,
});
// On PostgreSQL a second process migrating at the same time waits for the first (advisory lock).
console.log(
  `applying migrations to ${handle.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL; waits while another process migrates)' : 'PGlite'}…`,
);
await handle.migrate();
await handle.close();
console.log('migrations applied');
