/**
 * Which IP addresses Trellis may connect to. Public unicast addresses always; loopback, private,
 * link-local, carrier-grade NAT, multicast, documentation and reserved ranges (IPv4 and IPv6,
 * IPv4-mapped, -compatible and NAT64 forms included) only when a policy allows private targets;
 * cloud metadata endpoints never, because a credential service one hop away is what an SSRF
 * is usually after, and no connector has a reason to read it.
 */
import { BlockList, isIP } from 'node:net';

const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
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
  nonPublic.addSubnet(net, prefix, 'ipv4');
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
  nonPublic.addSubnet(net, prefix, 'ipv6');
}

/** Instance metadata and similar host-local credential services of the clouds. */
const metadata = new BlockList();
for (const a of [
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, DigitalOcean…
  '169.254.170.2', // AWS ECS task credentials
  '169.254.170.23', // AWS EKS pod identity
  '100.100.100.200', // Alibaba Cloud
  '192.0.0.192', // Oracle Cloud (classic)
  '168.63.129.16', // Azure wire server (a public address, so refused by name here)
]) {
  metadata.addAddress(a, 'ipv4');
}
metadata.addAddress('fd00:ec2::254', 'ipv6'); // AWS over IPv6
metadata.addAddress('fd00:ec2::23', 'ipv6'); // AWS EKS pod identity over IPv6

/** Host names of metadata services: refused before any DNS, whatever a resolver would say. */
const metadataNames = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal']);

export function isMetadataName(host: string): boolean {
  return metadataNames.has(host.toLowerCase().replace(/\.$/, ''));
}

/** RFC 6761: loopback whatever a resolver says. */
export function isLoopbackName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/** An IPv6 address in the one compressed lower-case spelling WHATWG URL gives it. */
function canonicalIpv6(ipv6: string): string {
  return new URL(`http://[${ipv6}]/`).hostname.slice(1, -1);
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) or deprecated
 * IPv4-compatible (::a.b.c.d) IPv6 address; `routed` when traffic to it reaches that IPv4 address.
 */
function embeddedIpv4(canonical: string): { v4: string; routed: boolean } | undefined {
  const m = /^(::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!m) return undefined;
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return { v4: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, routed: m[1] !== '::' };
}

export type AddressClass = 'public' | 'private' | 'metadata' | 'invalid';

/** What kind of address this is: the one place the ranges above are read. */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) return 'invalid';
  let v4 = family === 4 ? address : undefined;
  let routed = true;
  let v6: string | undefined;
  if (family === 6) {
    v6 = canonicalIpv6(address);
    const embedded = embeddedIpv4(v6);
    v4 = embedded?.v4;
    routed = embedded?.routed ?? true;
  }
  if (v4 !== undefined) {
    if (metadata.check(v4, 'ipv4')) return 'metadata';
    return !routed || nonPublic.check(v4, 'ipv4') ? 'private' : 'public';
  }
  if (metadata.check(v6!, 'ipv6')) return 'metadata';
  // Only the global unicast block 2000::/3 is routed on the internet.
  const first = v6!.split(':')[0]!;
  if (first.length !== 4 || (first[0] !== '2' && first[0] !== '3')) return 'private';
  return nonPublic.check(v6!, 'ipv6') ? 'private' : 'public';
}

/** Whether an IP address is public unicast (reachable on the internet, not inside a network). */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}

/** Whether a policy lets a connection go to this address. */
export function addressAllowed(address: string, allowPrivate: boolean): boolean {
  const c = classifyAddress(address);
  return c === 'public' || (c === 'private' && allowPrivate);
}
