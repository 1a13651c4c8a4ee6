/**
 * Where a sign-in may land: a path of the seller app on this site, never another site (an open
 * redirect would lend our link to a phishing page).
 */
export function safeNextPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2_000) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\\\s\u0000-\u001f\u007f]/.test(value) || value.includes('..')) return null;
  return /^\/app(?:[/?][^]*)?$/.test(value) && !value.startsWith('/app//') ? value : null;
}
