/**
 * Whether a tenant may register a URL as a webhook endpoint: the URL's own rules, then every
 * address its host resolves to (domain/webhook-targets.ts). One forbidden address is enough to
 * refuse: a name with a public and a private address could be sent to either.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  PRIVATE_RANGES,
  type WebhookTargetRules,
  type WebhookUrlProblem,
  forbiddenAddress,
  hostOf,
  webhookUrlProblem,
} from '../domain/webhook-targets';

/** Every IPv4 and IPv6 address of a host name; rejects when the name does not resolve. */
export type HostResolver = (host: string) => Promise<readonly string[]>;

export interface WebhookTargetSettings extends WebhookTargetRules {
  /** `dns.promises.lookup(host, { all: true })` unless a test gives its own. */
  resolveHost?: HostResolver | undefined;
}

/** A resolver that does not answer within this is taken as a name that does not resolve. */
const RESOLVE_TIMEOUT_MS = 5_000;

export const lookupHost: HostResolver = async (host) => {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
};

const SWITCH = 'unless the operator allows private targets (WEBHOOKS_ALLOW_PRIVATE_TARGETS=true)';

function rangeRefusal(range: string, how: 'is' | 'resolves to'): string {
  const kind = PRIVATE_RANGES[range];
  if (kind) return `${how} a private address (${kind}): webhooks go to public addresses only, ${SWITCH}`;
  return `${how} an address that cannot receive webhooks (${range})`;
}

function urlRefusal(problem: WebhookUrlProblem, url: string, rules: WebhookTargetRules): string {
  switch (problem) {
    case 'not_a_url':
      return 'must be an absolute URL, e.g. https://hooks.example.com/dunning';
    case 'scheme':
      return rules.allowPrivate ? 'must use https or http' : `must use https (http only ${SWITCH})`;
    case 'credentials':
      return 'must not contain a user name or password: the signature tells your receiver the request is ours';
    case 'forbidden_address': {
      const host = hostOf(new URL(url));
      return rangeRefusal(isIP(host) ? (forbiddenAddress(host, rules) ?? 'reserved') : 'loopback', 'is');
    }
  }
}

async function resolveWithin(resolve: HostResolver, host: string): Promise<readonly string[]> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      resolve(host),
      sleep(RESOLVE_TIMEOUT_MS, undefined, { signal: timer.signal }).then(() => {
        throw new Error('timed out');
      }),
    ]);
  } finally {
    timer.abort();
  }
}

/** Why `url` cannot be an endpoint, in words for the tenant (the `url` field's error), or null. */
export async function webhookUrlRefusal(url: string, settings: WebhookTargetSettings): Promise<string | null> {
  const rules: WebhookTargetRules = { allowPrivate: settings.allowPrivate };
  const problem = webhookUrlProblem(url, rules);
  if (problem) return urlRefusal(problem, url, rules);
  const host = hostOf(new URL(url));
  if (isIP(host)) return null;
  let addresses: readonly string[];
  try {
    addresses = await resolveWithin(settings.resolveHost ?? lookupHost, host);
  } catch {
    return `the host ${host} does not resolve to an address`;
  }
  if (addresses.length === 0) return `the host ${host} does not resolve to an address`;
  for (const address of addresses) {
    const range = forbiddenAddress(address, rules);
    if (range) return rangeRefusal(range, 'resolves to');
  }
  return null;
}

/** `WEBHOOKS_ALLOW_PRIVATE_TARGETS`: `true` allows private, loopback and link-local targets; unset or `false` not. */
export function allowPrivateTargetsFromEnv(env: NodeJS.ProcessEnv): boolean {
  const value = env.WEBHOOKS_ALLOW_PRIVATE_TARGETS;
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new Error(`WEBHOOKS_ALLOW_PRIVATE_TARGETS must be "true" or "false", not "${value}"`);
}
