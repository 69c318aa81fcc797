/**
 * Where webhooks may go: the egress rules (src/egress, docs/egress.md) with webhooks' own
 * settings. Trellis runs inside a company network, so a webhook URL is a way to make the server
 * send requests for someone: a target must be `https:` and every address its host resolves to
 * public — no loopback, private, link-local, carrier-grade NAT, multicast, documentation or
 * reserved ranges, and never a cloud metadata address. Any host and port an admin names is
 * allowed (a receiver's port is theirs to choose; the address check is what guards the
 * network). The check runs when a subscription is saved, for a clear 400, and again on every
 * delivery (the egress client resolves once and connects to the checked address), so a name that
 * resolves to 127.0.0.1 now (DNS rebinding) is refused at delivery. Credentials in URLs
 * (userinfo) and fragments are refused always. `TRELLIS_WEBHOOK_ALLOW_PRIVATE=true` allows
 * `http:` and private addresses (development and tests against a receiver on 127.0.0.1).
 */
import { checkUrl, EgressError, resolveAllChecked, type EgressPolicy, type Resolver } from '../egress/index.ts';

export const maxUrlLength = 2048;

export interface AddressPolicy {
  /** Allow http: and loopback/private addresses (TRELLIS_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Resolves a host name to all its addresses (tests replace it). */
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
}

/** The egress policy webhooks deliver under. */
export function egressPolicyOf(policy: AddressPolicy): EgressPolicy {
  return { allowPrivate: policy.allowPrivate, allowPorts: 'any' };
}

const adapted = new WeakMap<NonNullable<AddressPolicy['lookup']>, Resolver>();

/** A test's lookup function as the egress resolver (one family at a time, no TTL: never cached). */
export function resolverOf(policy: AddressPolicy): Resolver | undefined {
  const lookup = policy.lookup;
  if (!lookup) return undefined;
  let resolver = adapted.get(lookup);
  if (!resolver) {
    const family = (f: number) => async (host: string) => {
      const found = (await lookup(host)).filter((a) => a.family === f).map((a) => ({ address: a.address, ttl: 0 }));
      if (found.length === 0) throw Object.assign(new Error('no records'), { code: 'ENODATA' });
      return found;
    };
    resolver = { resolve4: family(4), resolve6: family(6) };
    adapted.set(lookup, resolver);
  }
  return resolver;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

function reasonOf(err: unknown): string {
  if (err instanceof EgressError) return `is refused: ${err.message}`;
  throw err;
}

/**
 * The URL's form, in the words a person fixing the field needs (at most 2048 characters, https:,
 * no credentials, no fragment), then the egress rules that need no DNS (a literal internal
 * address, a metadata or loopback name). No DNS.
 */
export function checkUrlForm(raw: string, policy: AddressPolicy): UrlCheck {
  if (raw.length > maxUrlLength) return { ok: false, reason: `must be at most ${maxUrlLength} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'must be an absolute URL such as https://hooks.example.com/trellis' };
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) {
    return { ok: false, reason: policy.allowPrivate ? 'must be an http: or https: URL' : 'must be an https: URL (http: only when TRELLIS_WEBHOOK_ALLOW_PRIVATE=true)' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not contain credentials (user:password@); authenticate the request by its signature' };
  if (url.hash !== '') return { ok: false, reason: 'must not contain a #fragment' };
  try {
    return { ok: true, url: checkUrl(raw, egressPolicyOf(policy)).url };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
}

export type ResolveResult = { ok: true; addresses: { address: string; family: 4 | 6 }[] } | { ok: false; reason: string };

/** The addresses a URL's host stands for, each checked; a host with any refused address is refused as a whole. */
export async function resolveTarget(url: URL, policy: AddressPolicy): Promise<ResolveResult> {
  try {
    return { ok: true, addresses: await resolveAllChecked(url.hostname, egressPolicyOf(policy), resolverOf(policy)) };
  } catch (err) {
    return { ok: false, reason: err instanceof EgressError ? err.message : reasonOf(err) };
  }
}
