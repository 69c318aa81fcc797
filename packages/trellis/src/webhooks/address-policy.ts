/**
 * Where webhooks may go (SSRF defence). Trellis runs inside a company network, so a webhook URL
 * is a way to make the server send requests for someone: by default a target must be `https:`
 * and every address its host resolves to must be a public unicast address — no loopback,
 * private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast,
 * documentation or reserved ranges, in IPv4 or IPv6 (IPv4-mapped and NAT64 forms included).
 * The check runs when a subscription is saved, for a clear 400, and again on every delivery
 * against the addresses actually resolved, and the connection is then made to a checked
 * address (sender.ts pins it): a name that resolved to a public address yesterday and to
 * 127.0.0.1 now (DNS rebinding) is refused at delivery. Credentials in URLs (userinfo) are
 * refused always: they would be stored and shown like any other part of the URL.
 * `TRELLIS_WEBHOOK_ALLOW_PRIVATE=true` allows `http:` and private addresses (development and
 * tests against a receiver on 127.0.0.1).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export const maxUrlLength = 2048;

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo included)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address we would have to check; refused outright
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIpv4(ipv6: string): string | undefined {
  const m = /^(?:::ffff:|::|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ipv6);
  if (!m) return undefined;
  if (m[1]) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Whether an IP address is public unicast (reachable on the internet, not inside a network). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(address.toLowerCase());
  if (v4 !== undefined) return isIP(v4) === 4 && !blocked.check(v4, 'ipv4');
  // Only the global unicast block 2000::/3 is routed on the internet.
  if (!/^[23]/.test(address.toLowerCase().replace(/^0+/, ''))) return false;
  return !blocked.check(address, 'ipv6');
}

export interface AddressPolicy {
  /** Allow http: and loopback/private addresses (TRELLIS_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Resolves a host name to all its addresses (tests replace it). */
  lookup?: (host: string) => Promise<{ address: string; family: number }[]>;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** The URL's form alone: scheme, no credentials, a host. No DNS. */
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
  if (url.hostname === '') return { ok: false, reason: 'must name a host' };
  return { ok: true, url };
}

/** A URL's host without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

const defaultLookup = async (host: string) => dnsLookup(host, { all: true, verbatim: true });

/** DNS answers slower than this count as no answer: a save or an attempt never hangs on DNS. */
const lookupTimeoutMs = 5000;

export type ResolveResult = { ok: true; addresses: { address: string; family: 4 | 6 }[] } | { ok: false; reason: string };

/**
 * The addresses a URL's host stands for, each checked against the policy. A host with any
 * refused address is refused as a whole: a resolver may hand out any of them.
 */
export async function resolveTarget(url: URL, policy: AddressPolicy): Promise<ResolveResult> {
  const host = hostOf(url);
  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else if (!policy.allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    // RFC 6761: these names are loopback whatever a resolver says.
    return { ok: false, reason: `host ${host} is a loopback name` };
  } else {
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        (policy.lookup ?? defaultLookup)(host),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('DNS lookup timed out')), lookupTimeoutMs);
        }),
      ]);
    } catch (err) {
      return { ok: false, reason: `host ${host} does not resolve (${(err as { code?: string }).code ?? (err as Error).message})` };
    } finally {
      clearTimeout(timer);
    }
    if (addresses.length === 0) return { ok: false, reason: `host ${host} does not resolve` };
  }
  const checked: { address: string; family: 4 | 6 }[] = [];
  for (const a of addresses) {
    const family = isIP(a.address);
    if (family === 0) return { ok: false, reason: `host ${host} resolved to something that is not an IP address` };
    if (!policy.allowPrivate && !isPublicAddress(a.address)) {
      return { ok: false, reason: `host ${host} resolves to ${a.address}, which is not a public address (loopback, private, link-local and reserved ranges are refused)` };
    }
    checked.push({ address: a.address, family: family as 4 | 6 });
  }
  return { ok: true, addresses: checked };
}
