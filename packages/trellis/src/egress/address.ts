/**
 * Which IP addresses Trellis may connect to. Public unicast addresses always; loopback, private,
 * link-local, carrier-grade NAT, multicast, documentation and reserved ranges (IPv4 and IPv6,
 * IPv4-mapped, -compatible and NAT64 forms included) only when a policy allows private targets;
 * cloud metadata endpoints never, because a credential service one hop away is what an SSRF
 * is usually after, and no connector has a reason to read it.
 */
import { isIP } from 'node:net';

// Plain arithmetic rather than net.BlockList: this runs for every address of every outbound
// call, and a BlockList lookup costs microseconds each.

type V4Range = readonly [net: number, prefix: number];
type V6Range = readonly [groups: readonly number[], prefix: number];

function v4(address: string): number {
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** The eight 16-bit groups of an IPv6 address (already valid by isIP), an embedded dotted IPv4 tail included. */
function v6(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4(dotted[1]!);
    text = `${text.slice(0, dotted.index + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  if (!text.includes('::')) return parse(text);
  const [head, tail] = text.split('::');
  const h = parse(head);
  const t = parse(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

function inV4(n: number, [net, prefix]: V4Range): boolean {
  return prefix === 0 || n >>> (32 - prefix) === net >>> (32 - prefix);
}

function inV6(groups: readonly number[], [net, prefix]: V6Range): boolean {
  for (let i = 0, left = prefix; left > 0; i++, left -= 16) {
    const bits = Math.min(16, left);
    if (groups[i]! >>> (16 - bits) !== net[i]! >>> (16 - bits)) return false;
  }
  return true;
}

const nonPublicV4: V4Range[] = (
  [
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
  ] as const
).map(([net, prefix]) => [v4(net), prefix] as const);

const nonPublicV6: V6Range[] = (
  [
    ['100::', 64], // discard
    ['2001::', 23], // IETF protocol assignments (Teredo included)
    ['2001:db8::', 32], // documentation
    ['2002::', 16], // 6to4: embeds an IPv4 address we would have to check; refused outright
  ] as const
).map(([net, prefix]) => [v6(net), prefix] as const);
// Loopback, unspecified, unique local (fc00::/7), link-local (fe80::/10), site-local and
// multicast (ff00::/8) all lie outside 2000::/3, the only block routed on the internet.

/** Instance metadata and similar host-local credential services of the clouds. */
const metadataV4 = new Set(
  [
    '169.254.169.254', // AWS, GCP, Azure, OpenStack, DigitalOcean…
    '169.254.170.2', // AWS ECS task credentials
    '169.254.170.23', // AWS EKS pod identity
    '100.100.100.200', // Alibaba Cloud
    '192.0.0.192', // Oracle Cloud (classic)
    '168.63.129.16', // Azure wire server (a public address, so refused by name here)
  ].map(v4),
);
const metadataV6 = ['fd00:ec2::254', 'fd00:ec2::23'].map((a) => v6(a).join(':')); // AWS over IPv6

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

export type AddressClass = 'public' | 'private' | 'metadata' | 'invalid';

function classifyV4(n: number, routed: boolean): AddressClass {
  if (metadataV4.has(n)) return 'metadata';
  return !routed || nonPublicV4.some((r) => inV4(n, r)) ? 'private' : 'public';
}

/** What kind of address this is: the one place the ranges above are read. */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) return 'invalid';
  if (family === 4) return classifyV4(v4(address), true);
  const g = v6(address);
  const embedded = (g[6]! << 16) | g[7]!;
  const zeroHead = g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0;
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96) reach the IPv4 address inside;
  // the deprecated IPv4-compatible form (::a.b.c.d) reaches nothing, but its metadata still counts.
  if (zeroHead && g[5] === 0xffff) return classifyV4(embedded >>> 0, true);
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0) return classifyV4(embedded >>> 0, true);
  if (zeroHead && g[5] === 0) return classifyV4(embedded >>> 0, false);
  if (metadataV6.includes(g.join(':'))) return 'metadata';
  if ((g[0]! & 0xe000) !== 0x2000) return 'private';
  return nonPublicV6.some((r) => inV6(g, r)) ? 'private' : 'public';
}

/** Whether an IP address is public unicast (reachable on the internet, not inside a network). */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}
