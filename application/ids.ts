import { randomUUID } from 'node:crypto';

/** A fresh id for a row we create: `<prefix>_` and 20 random hex digits (`col_3f2a9c1d7e5b4a6f8c0d`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}
