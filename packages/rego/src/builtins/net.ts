/**
 * Built-ins of the net category: CIDR arithmetic for IPv4 and IPv6 (addresses as bigint, so
 * 128-bit math is exact) with Go's `net` parsing rules and address printing, which OPA's
 * results and messages come from (`invalid CIDR address: 192.168.1.1/33`), and an offline
 * `net.lookup_ip_addr` (IP literals and the hosts file; there is no DNS here).
 */
import { readFileSync } from 'node:fs';
import { isArray, isObject, isSet, makeSet, type Value } from '../value.ts';
import { arg, expectString, oneOfTypeError } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { BuiltinError, builtinError } from './errors.ts';

const V4_MAPPED = 0xffffn << 32n;
const ALL128 = (1n << 128n) - 1n;

/** Go's parseIPv4: four decimal fields 0..255, no leading zeros. */
function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

/** Go's parseIPv6 (no zones): groups of up to 4 hex digits, one `::`, optional trailing IPv4. */
function parseIPv6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (part: string, allowV4: boolean): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl), false);
    const tail = parseGroups(s.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(s, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** An address as Go's 16-byte net.IP: IPv4 is stored IPv4-mapped (::ffff:a.b.c.d). */
export function parseIP(s: string): bigint | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return V4_MAPPED | v4;
  if (s.includes(':')) return parseIPv6(s);
  return undefined;
}

/** Go's To4: the 32-bit IPv4 address of an IPv4-mapped 16-byte address. */
function to4(ip: bigint): bigint | undefined {
  return ip >> 32n === 0xffffn ? ip & 0xffffffffn : undefined;
}

function v4String(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

/** Go's IP.String for a 16-byte address: dotted IPv4 when mapped, else RFC 5952 text. */
export function ipString(ip: bigint): string {
  const v4 = to4(ip);
  if (v4 !== undefined) return v4String(v4);
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip >> BigInt(i * 16)) & 0xffffn));
  // Longest run (≥2) of zero groups becomes "::"; the first such run wins a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.map((g) => g.toString(16)).join(':');
  const head = groups.slice(0, bestStart).map((g) => g.toString(16)).join(':');
  const tail = groups.slice(bestStart + bestLen).map((g) => g.toString(16)).join(':');
  return head + '::' + tail;
}

/** An IP network as Go's net.IPNet after ParseCIDR: 4- or 16-byte address and prefix. */
interface IPNet {
  bits: 32 | 128;
  /** Network address (host bits cleared), unless built from a bare IP (see cidr_merge). */
  ip: bigint;
  prefix: number;
}

const maskOf = (bits: number, prefix: number): bigint => {
  const all = (1n << BigInt(bits)) - 1n;
  return (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
};

/** Go's net.ParseCIDR; throws Go's `invalid CIDR address: <s>`. */
function parseCIDR(s: string): IPNet {
  const bad = (): never => {
    throw new Error(`invalid CIDR address: ${s}`);
  };
  const slash = s.indexOf('/');
  if (slash < 0) bad();
  const addr = s.slice(0, slash);
  const maskText = s.slice(slash + 1);
  const v4 = parseIPv4(addr);
  const v6 = v4 === undefined && addr.includes(':') ? parseIPv6(addr) : undefined;
  if (v4 === undefined && v6 === undefined) bad();
  if (!/^[0-9]+$/.test(maskText) || maskText.length > 3) bad();
  const n = Number(maskText);
  const bits = v4 !== undefined ? 32 : 128;
  if (n > bits) bad();
  const ip = (v4 ?? v6)!;
  return { bits, ip: ip & maskOf(bits, n), prefix: n };
}

/** Go's IPNet.Contains for a 16-byte address. */
function contains(net: IPNet, ip16: bigint): boolean {
  const v4 = to4(ip16);
  const [ip, bits] = v4 !== undefined ? [v4, 32] : [ip16, 128];
  if (bits !== net.bits) return false;
  const m = maskOf(bits, net.prefix);
  return (ip & m) === (net.ip & m);
}

/** The 16-byte form of a network's address (for comparisons across families). */
const as16 = (bits: number, ip: bigint): bigint => (bits === 32 ? V4_MAPPED | ip : ip);

function lastAddr(net: IPNet): bigint {
  return net.ip | (maskOf(net.bits, net.bits) ^ maskOf(net.bits, net.prefix));
}

function netString(net: IPNet): string {
  return (net.bits === 32 ? v4String(net.ip) : ipString(net.ip)) + '/' + net.prefix;
}

function withGoError<T>(fn: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BuiltinError) throw e;
    throw builtinError(fn, (e as Error).message);
  }
}

function cidrContains(fn: string, a: string, b: string): boolean {
  const netA = withGoError(fn, () => parseCIDR(a));
  const ip = parseIP(b);
  if (ip !== undefined) return contains(netA, ip);
  let netB: IPNet;
  try {
    netB = parseCIDR(b);
  } catch {
    throw builtinError(fn, `not a valid textual representation of an IP address or CIDR: ${b}`);
  }
  return contains(netA, as16(netB.bits, netB.ip)) && contains(netA, as16(netB.bits, lastAddr(netB)));
}

/** Go's IP.DefaultMask: the classful prefix of an IPv4 address (OPA uses it for bare IPs). */
function defaultPrefix(v4: bigint): number {
  const first = Number(v4 >> 24n);
  if (first < 0x80) return 8;
  if (first < 0xc0) return 16;
  return 24;
}

interface Range {
  first: bigint;
  last: bigint;
  /** The original network when the range was not merged with another. */
  network?: string;
}

/** Minimal list of CIDRs covering [first, last] (16-byte space; IPv4-mapped ranges print as IPv4). */
function rangeToCIDRs(first: bigint, last: bigint): string[] {
  const isV4 = to4(first) !== undefined && to4(last) !== undefined;
  const out: string[] = [];
  let cur = first;
  while (cur <= last) {
    let size = 0;
    while (size < 128) {
      const next = size + 1;
      const block = 1n << BigInt(next);
      if ((cur & (block - 1n)) !== 0n || cur + block - 1n > last) break;
      size = next;
    }
    if (isV4) out.push(v4String(cur & 0xffffffffn) + '/' + (32 - size));
    else out.push(ipString(cur) + '/' + (128 - size));
    cur += 1n << BigInt(size);
  }
  return out;
}

function cidrMerge(fn: string, items: Value[]): Value {
  const ranges: Range[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw builtinError(fn, 'element must be string');
    const ip = parseIP(item);
    let net: IPNet;
    let label: string;
    if (ip !== undefined) {
      const v4 = to4(ip);
      if (v4 === undefined) throw builtinError(fn, 'IPv6 invalid: needs prefix length');
      // OPA gives a bare IPv4 address its classful default mask and keeps its host bits.
      net = { bits: 32, ip: v4, prefix: defaultPrefix(v4) };
      label = v4String(v4) + '/' + net.prefix;
    } else {
      net = withGoError(fn, () => parseCIDR(item));
      label = netString(net);
    }
    const m = maskOf(net.bits, net.prefix);
    const first = as16(net.bits, net.ip & m);
    const last = as16(net.bits, (net.ip & m) | (maskOf(net.bits, net.bits) ^ m));
    ranges.push({ first, last, network: label });
  }
  ranges.sort((x, y) => (x.last !== y.last ? (x.last < y.last ? -1 : 1) : x.first < y.first ? -1 : x.first > y.first ? 1 : 0));
  for (let i = ranges.length - 1; i > 0; i--) {
    const cur = ranges[i]!;
    const prev = ranges[i - 1]!;
    const isZero = cur.first === 0n || cur.first === V4_MAPPED;
    const before = isZero ? cur.first : cur.first - 1n;
    if (before <= prev.last) {
      ranges[i - 1] = { first: prev.first < cur.first ? prev.first : cur.first, last: cur.last };
      ranges.splice(i, 1);
    }
  }
  const out: string[] = [];
  for (const r of ranges) {
    if (r.network !== undefined) out.push(r.network);
    else out.push(...rangeToCIDRs(r.first, r.last));
  }
  return makeSet(out);
}

/** Addresses of `name` from the hosts file (no DNS is available to the engine). */
function hostsLookup(name: string): string[] {
  let text: string;
  try {
    text = readFileSync('/etc/hosts', 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/);
    if (fields.length < 2) continue;
    const ip = parseIP(fields[0]!);
    if (ip === undefined) continue;
    if (fields.slice(1).some((h) => h.toLowerCase() === name.toLowerCase())) out.push(ipString(ip));
  }
  return out;
}

type MatchEntry = [cidr: string | Value, key: Value];

function matchEntries(fn: string, pos: number, v: Value): MatchEntry[] {
  const elem = (x: Value): Value => {
    if (typeof x === 'string') return x;
    if (isArray(x) && x.length > 0) return x[0]!;
    throw builtinError(fn, `operand ${pos}: element must be string or non-empty array`);
  };
  if (typeof v === 'string') return [[v, v]];
  if (isArray(v)) return v.map((x, i) => [elem(x), i]);
  if (isSet(v)) return v.sorted().map((x) => [elem(x), x]);
  if (isObject(v)) return v.sortedEntries().map(([k, x]) => [elem(x), k]);
  return [];
}

const cidrArg = (name: string) => ({ name, type: t.string });

export const netBuiltins: BuiltinDecl[] = [
  {
    name: 'net.cidr_contains',
    category: 'net',
    args: [cidrArg('cidr'), { name: 'cidr_or_ip', type: t.string }],
    result: t.boolean,
    description: 'Checks if a CIDR or IP is contained within another CIDR.',
    impl: (args) => {
      const fn = 'net.cidr_contains';
      return cidrContains(fn, expectString(fn, args, 0), expectString(fn, args, 1));
    },
  },
  {
    name: 'net.cidr_overlap',
    category: 'net',
    args: [cidrArg('cidr'), { name: 'ip', type: t.string }],
    result: t.boolean,
    description: 'Checks if an IP address is contained within a CIDR. Deprecated: use net.cidr_contains.',
    deprecated: true,
    impl: (args) => {
      const fn = 'net.cidr_overlap';
      return cidrContains(fn, expectString(fn, args, 0), expectString(fn, args, 1));
    },
  },
  {
    name: 'net.cidr_intersects',
    category: 'net',
    args: [cidrArg('cidr1'), cidrArg('cidr2')],
    result: t.boolean,
    description: 'Checks if a CIDR intersects with another CIDR (either contains the other’s first address).',
    impl: (args) => {
      const fn = 'net.cidr_intersects';
      const a = withGoError(fn, () => parseCIDR(expectString(fn, args, 0)));
      const b = withGoError(fn, () => parseCIDR(expectString(fn, args, 1)));
      return contains(a, as16(b.bits, b.ip)) || contains(b, as16(a.bits, a.ip));
    },
  },
  {
    name: 'net.cidr_is_valid',
    category: 'net',
    args: [cidrArg('cidr')],
    result: t.boolean,
    description: 'Parses an IPv4/IPv6 CIDR and returns whether it is valid.',
    impl: (args) => {
      const s = arg(args, 0);
      if (typeof s !== 'string') return false;
      try {
        parseCIDR(s);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'net.cidr_expand',
    category: 'net',
    args: [cidrArg('cidr')],
    result: t.set(t.string),
    description: 'Expands a CIDR to the set of all IP addresses in it (network and broadcast included).',
    impl: (args, ctx) => {
      const fn = 'net.cidr_expand';
      const net = withGoError(fn, () => parseCIDR(expectString(fn, args, 0)));
      const out = makeSet([]);
      const last = lastAddr(net);
      // `0.0.0.0/0` or an IPv6 /64 would never finish: the size is checked before the loop.
      const count = Number(last - net.ip + 1n);
      ctx.reserve(count);
      ctx.charge(count);
      for (let ip = net.ip; ip <= last; ip++) out.add(net.bits === 32 ? v4String(ip) : ipString(ip & ALL128));
      return out;
    },
  },
  {
    name: 'net.cidr_merge',
    category: 'net',
    args: [{ name: 'addrs', type: t.union(t.array(t.string), t.set(t.string)), description: 'CIDRs or IP addresses' }],
    result: t.set(t.string),
    description: 'Merges IP addresses and subnets into the smallest possible list of CIDRs.',
    impl: (args) => {
      const fn = 'net.cidr_merge';
      const v = arg(args, 0);
      if (isArray(v)) return cidrMerge(fn, v);
      if (isSet(v)) return cidrMerge(fn, v.sorted());
      throw builtinError(fn, 'operand must be an array');
    },
  },
  {
    name: 'net.cidr_contains_matches',
    category: 'net',
    args: [
      { name: 'cidrs', type: t.union(t.string, t.array(t.any), t.set(t.any), t.object(t.any, t.any)) },
      { name: 'cidrs_or_ips', type: t.union(t.string, t.array(t.any), t.set(t.any), t.object(t.any, t.any)) },
    ],
    result: t.set(t.array(t.any)),
    description:
      'Checks if collections of CIDRs or IPs are contained within another collection of CIDRs; returns the set of [key1, key2] pairs that match.',
    impl: (args) => {
      const fn = 'net.cidr_contains_matches';
      const a = matchEntries(fn, 1, arg(args, 0));
      const b = matchEntries(fn, 2, arg(args, 1));
      const out = makeSet([]);
      for (const [c1, k1] of a) {
        for (const [c2, k2] of b) {
          if (typeof c1 !== 'string') throw oneOfTypeError(fn, 0, ['string'], c1);
          if (typeof c2 !== 'string') throw oneOfTypeError(fn, 1, ['string'], c2);
          if (cidrContains(fn, c1, c2)) out.add([k1, k2]);
        }
      }
      return out;
    },
  },
  {
    name: 'net.lookup_ip_addr',
    category: 'net',
    args: [{ name: 'name', type: t.string, description: 'domain name or IP address' }],
    result: t.set(t.string),
    description: 'Returns the set of IP addresses (v4 and v6) the name resolves to (offline: IP literals and the hosts file).',
    nondeterministic: true,
    impl: (args, ctx) => {
      const fn = 'net.lookup_ip_addr';
      const name = expectString(fn, args, 0);
      const ip = parseIP(name);
      if (ip !== undefined) return makeSet([ipString(ip)]);
      const key = `net.lookup_ip_addr:${name}`;
      const cached = ctx.cache.get(key);
      if (cached !== undefined) return cached as Value;
      let addrs = hostsLookup(name);
      if (addrs.length === 0 && name.toLowerCase() === 'localhost') addrs = ['127.0.0.1', '::1'];
      if (addrs.length === 0) throw builtinError(fn, `lookup ${name}: no such host`);
      const result = makeSet(addrs);
      ctx.cache.set(key, result);
      return result;
    },
  },
];
