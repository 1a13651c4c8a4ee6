import { openDatabase } from './client';

const handle = openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: process.env.PGLITE_DIR || undefined });
console.log(`applying migrations to ${handle.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : 'PGlite'}…`);
await handle.migrate();
await handle.close();
console.log('migrations applied');
