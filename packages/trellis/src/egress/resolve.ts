/**
 * Name to addresses, once per call, each address checked. A host is refused as a whole when any
 * of its addresses is refused (a resolver may hand out any of them, and an attacker's zone can
 * mix a public and an internal answer). Callers connect to an address returned here and never
 * let the name be resolved again, so an answer that changes between check and connection (DNS
 * rebinding) cannot reach an internal address.
 *
 * Answers are kept for their TTL (at most a minute; the system resolver, which reports none,
 * for a few seconds) so the gateway's hot path does not wait for DNS on every call. The check is
 * made on every use, cached or not, against the caller's policy.
 */
import { Resolver as DnsResolver, lookup as systemLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { EgressError } from './errors.ts';
import { addressRefusal, checkHost, normaliseHost, type EgressPolicy } from './policy.ts';

/** A DNS client: `dns.promises.Resolver` (tests point one at a DNS server on loopback). */
export interface Resolver {
  resolve4(host: string, options: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
  resolve6(host: string, options: { ttl: true }): Promise<{ address: string; ttl: number }[]>;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** DNS slower than this is a failure, whatever the caller's own timeout. */
const dnsTimeoutMs = 5000;
const maxTtlMs = 60_000;
const systemTtlMs = 5000;
const maxCached = 1000;

interface Cached {
  addresses: ResolvedAddress[];
  expires: number;
}
const systemCache = new Map<string, Cached>();
const resolverCaches = new WeakMap<Resolver, Map<string, Cached>>();

function cacheFor(resolver: Resolver | undefined): Map<string, Cached> {
  if (!resolver) return systemCache;
  let c = resolverCaches.get(resolver);
  if (!c) {
    c = new Map();
    resolverCaches.set(resolver, c);
  }
  return c;
}

function remember(cache: Map<string, Cached>, host: string, addresses: ResolvedAddress[], ttlMs: number): void {
  if (ttlMs <= 0) return;
  if (cache.size >= maxCached) cache.delete(cache.keys().next().value!);
  cache.set(host, { addresses, expires: Date.now() + ttlMs });
}

const noData = new Set(['ENODATA', 'ENOTFOUND', 'NOTFOUND', 'ENONAME']);

async function query(host: string, resolver: Resolver | undefined): Promise<{ addresses: ResolvedAddress[]; ttlMs: number }> {
  if (!resolver) {
    const found = await systemLookup(host, { all: true, verbatim: true });
    return { addresses: found.map((a) => ({ address: a.address, family: a.family as 4 | 6 })), ttlMs: systemTtlMs };
  }
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host, { ttl: true }), resolver.resolve6(host, { ttl: true })]);
  if (v4.status === 'rejected' && v6.status === 'rejected') {
    // Both failed: report the more telling failure (a timeout or refusal over "no such record").
    const a = v4.reason as { code?: string };
    throw noData.has(a.code ?? '') ? v6.reason : v4.reason;
  }
  const answers = [...(v4.status === 'fulfilled' ? v4.value.map((r) => ({ ...r, family: 4 as const })) : []), ...(v6.status === 'fulfilled' ? v6.value.map((r) => ({ ...r, family: 6 as const })) : [])];
  const ttl = Math.min(maxTtlMs, ...answers.map((a) => a.ttl * 1000));
  return { addresses: answers.map((a) => ({ address: a.address, family: a.family })), ttlMs: answers.length > 0 ? ttl : 0 };
}

// The installation's DNS servers for outbound names (TRELLIS_EGRESS_DNS_SERVERS), when set: a
// caller's own resolver wins, then these, then the system's. Process-wide, like /etc/resolv.conf.
let configured: Resolver | undefined;

/** Resolve outbound names through these servers (`host` or `host:port`); none: the system resolver. */
export function useDnsServers(servers: readonly string[]): void {
  if (servers.length === 0) {
    configured = undefined;
    return;
  }
  const r = new DnsResolver({ timeout: 2000, tries: 2 });
  r.setServers([...servers]);
  configured = r;
}

async function lookupOnce(host: string, given: Resolver | undefined): Promise<ResolvedAddress[]> {
  const resolver = given ?? configured;
  const cache = cacheFor(resolver);
  const hit = cache.get(host);
  if (hit && hit.expires > Date.now()) return hit.addresses;
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await Promise.race([
      query(host, resolver),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), dnsTimeoutMs);
      }),
    ]);
    if (found.addresses.length === 0) throw new EgressError('egress_dns_failed', `host ${host} does not resolve`);
    remember(cache, host, found.addresses, found.ttlMs);
    return found.addresses;
  } catch (err) {
    if (err instanceof EgressError) throw err;
    const code = (err as { code?: string }).code;
    throw new EgressError('egress_dns_failed', `host ${host} does not resolve (${code ?? 'error'})`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every address of a host (normalised, already through checkHost), each checked; an IP literal
 * stands for itself. Throws EgressError.
 */
export async function resolveAddresses(host: string, literal: 0 | 4 | 6, policy: EgressPolicy, resolver?: Resolver): Promise<ResolvedAddress[]> {
  if (literal !== 0) return [{ address: host, family: literal }];
  const addresses = await lookupOnce(host, resolver);
  for (const a of addresses) {
    const refusal = addressRefusal(a.address, policy, `host ${host} resolves to ${a.address}, which is`);
    if (refusal) throw new EgressError('egress_address_refused', refusal);
  }
  return addresses;
}

/** The address to connect to among checked ones: IPv4 first (many networks route no IPv6), else the first. */
export function pickAddress(addresses: readonly ResolvedAddress[]): ResolvedAddress {
  return addresses.find((a) => a.family === 4) ?? addresses[0]!;
}

/**
 * For connections that are not HTTP (PostgreSQL): check a host against the policy, resolve it
 * once and return the one address to connect to. Connect to `address` and give the name to TLS
 * (`servername`) for certificate checks. Throws EgressError.
 */
export async function resolveChecked(host: string, policy: EgressPolicy, resolver?: Resolver): Promise<ResolvedAddress> {
  return pickAddress(await resolveAllChecked(host, policy, resolver));
}

/** As resolveChecked, but every address of the host (all checked). */
export async function resolveAllChecked(host: string, policy: EgressPolicy, resolver?: Resolver): Promise<ResolvedAddress[]> {
  const normal = normaliseHost(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
  if (!normal || (normal.literal === 0 && isIP(host) === 0 && /[/?#@:\\]/.test(host))) throw new EgressError('egress_bad_url', 'the host is not a valid host name or IP address');
  checkHost(normal.host, normal.literal, policy);
  return resolveAddresses(normal.host, normal.literal, policy, resolver);
}
