/**
 * Where a tenant's webhooks may be sent. An endpoint URL is the tenant's input, and our servers
 * make the request: without these rules a tenant could make them call the loopback interface, the
 * cloud's metadata service (link-local) or the private network behind them (SSRF). The address is
 * checked where the URL is registered and again at every connection (a name can resolve elsewhere
 * later); an operator who runs receivers on a private network allows it explicitly.
 */
import ipaddr from 'ipaddr.js';

export interface WebhookTargetRules {
  /** The operator's choice (`WEBHOOKS_ALLOW_PRIVATE_TARGETS=true`): private, loopback and link-local allowed. */
  allowPrivate: boolean;
}

export type WebhookUrlProblem = 'not_a_url' | 'scheme' | 'credentials' | 'forbidden_address';

/** Why a URL cannot be an endpoint, before any name is resolved, or null. https only unless private is allowed. */
export function webhookUrlProblem(url: string, rules: WebhookTargetRules): WebhookUrlProblem | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not_a_url';
  }
  const schemes = rules.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(parsed.protocol)) return 'scheme';
  if (parsed.username || parsed.password) return 'credentials';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) return forbiddenAddress(host, rules) ? 'forbidden_address' : null;
  if (!rules.allowPrivate && /^localhost$|\.localhost$/i.test(host)) return 'forbidden_address';
  return null;
}

/**
 * The range that forbids sending to an IP address, or null when it may be sent to. Only public
 * unicast addresses pass by default (an IPv4 address mapped into IPv6 is judged as IPv4).
 */
export function forbiddenAddress(ip: string, rules: WebhookTargetRules): string | null {
  const range = addressRange(ip);
  if (range === null) return 'invalid';
  if (range === 'unicast') return null;
  const privateRanges = ['loopback', 'private', 'linkLocal', 'uniqueLocal', 'carrierGradeNat'];
  if (rules.allowPrivate && privateRanges.includes(range)) return null;
  return range;
}

/** An IP address's range (`unicast`, `loopback`, `private`…; mapped IPv4 judged as IPv4); null for no address. */
export function addressRange(ip: string): string | null {
  return ipaddr.isValid(ip) ? ipaddr.process(ip).range() : null;
}
