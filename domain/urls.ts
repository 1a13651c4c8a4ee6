/**
 * The rules for the URLs a deployment is configured with. One rule each, read by the workers
 * (status callbacks, links) and the API (provider signatures) alike.
 */

/** What is wrong with a configured URL, naming the variable; null when it is fine. */
export function urlProblem(name: string, value: string, { httpsOnly }: { httpsOnly: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} must be an absolute URL`;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (!httpsOnly || loopback))) {
    return `${name} must be an https URL${httpsOnly ? ' (http only for localhost)' : ''}`;
  }
  if (url.search || url.hash) return `${name} must not have a query or fragment`;
  return null;
}

/**
 * PUBLIC_BASE_URL: https (http only on this machine), no query or fragment. Providers call it and
 * sign what they call, so the workers and the API must agree on it exactly.
 */
export function publicBaseUrlProblem(value: string): string | null {
  return urlProblem('PUBLIC_BASE_URL', value, { httpsOnly: true });
}

/** A base URL as it is used: without trailing slashes. */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
