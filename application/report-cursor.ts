/** The reports' page cursors: the last row's key as base64url JSON, opaque to callers. */

/** A `cursor` no page of these reports returned. */
export class BadReportCursor extends Error {
  constructor() {
    super('the cursor is not one a previous page returned');
  }
}

export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key's parts when `raw` is a JSON array of `length` parts; BadReportCursor otherwise. */
export function decodeCursor(raw: string, length: number): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new BadReportCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== length) throw new BadReportCursor();
  return parsed as unknown[];
}

/** A text key part as strict as the database would want it: printable ASCII (ids are). */
export function isKeyText(value: unknown): value is string {
  return typeof value === 'string' && /^[\x20-\x7E]{1,400}$/.test(value);
}
