/**
 * The checks that need no network: an egress policy, a URL's form (scheme, credentials, port)
 * and its host (allowlist, metadata and loopback names, IP literals in any spelling). URLs are
 * parsed by WHATWG URL, which turns `2130706433`, `0177.0.0.1`, `0x7f.1` and `[::ffff:127.0.0.1]`
 * into one canonical address before anything is compared, and refuses IPv6 zone ids outright.
 * Messages name the origin only: a path or query may carry a credential (a Slack webhook's path,
 * an API key parameter).
 */
import { isIP } from 'node:net';
import { classifyAddress, isLoopbackName, isMetadataName } from './address.ts';
import { EgressError } from './errors.ts';

export interface EgressPolicy {
  /** Host names allowed: exact (`api.example.com`) or a wildcard over subdomains (`*.example.com`); IP literals exact. Undefined: any host whose addresses pass. */
  allowHosts?: readonly string[];
  /** Loopback, private, link-local and reserved addresses allowed, and `http:` (a connector's explicit opt-in, development). Metadata addresses stay refused. */
  allowPrivate: boolean;
  /** Ports allowed besides the scheme's own (80, 443); `any` for all. Every port is allowed where private targets are. */
  allowPorts?: readonly number[] | 'any';
}

/** Longer URLs are refused before parsing. */
export const maxUrlLength = 16 * 1024;

export interface CheckedUrl {
  url: URL;
  /** The host without IPv6 brackets or a trailing dot, lower case. */
  host: string;
  port: number;
  /** 4 or 6 for an IP literal, 0 for a name. */
  literal: 0 | 4 | 6;
}

/** The origin alone, for messages. */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

const hostPattern = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Whether an allowlist entry is well formed: a host name, `*.` and a domain, or an IP literal. */
export function isValidHostPattern(pattern: string): boolean {
  const p = pattern.toLowerCase();
  return isIP(p) !== 0 || (p.length <= 253 && hostPattern.test(p));
}

function normalisePattern(pattern: string): string {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (p.includes(':') && isIP(p) === 6) return new URL(`http://[${p}]/`).hostname.slice(1, -1);
  return p;
}

/** Whether a host (normalised, as in CheckedUrl) is on the allowlist. Cheap enough per call: callers may build the list each time. */
export function hostAllowed(host: string, allowHosts: readonly string[] | undefined): boolean {
  if (allowHosts === undefined) return true;
  for (const pattern of allowHosts) {
    const p = normalisePattern(pattern);
    if (p === host) return true;
    if (p.startsWith('*.') && host.length > p.length - 1 && host.endsWith(p.slice(1))) return true;
  }
  return false;
}

/** A host as WHATWG URL canonicalises it: odd IPv4 spellings become dotted quads, IPv6 is compressed. */
export function normaliseHost(raw: string): { host: string; literal: 0 | 4 | 6 } | undefined {
  let hostname: string;
  try {
    hostname = new URL(`http://${isIP(raw) === 6 ? `[${raw}]` : raw}/`).hostname;
  } catch {
    return undefined;
  }
  const host = (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname).replace(/\.$/, '');
  if (host === '') return undefined;
  return { host, literal: isIP(host) as 0 | 4 | 6 };
}

const privateHint = '(loopback, private, link-local and reserved ranges are refused)';

/** Why an address is refused under a policy, or undefined when it is allowed. `subject` says where it came from. */
export function addressRefusal(address: string, policy: EgressPolicy, subject: string): string | undefined {
  const c = classifyAddress(address);
  if (c === 'public') return undefined;
  if (c === 'metadata') return `${subject} a cloud metadata address, refused always`;
  if (c === 'invalid') return `${subject} not an IP address`;
  return policy.allowPrivate ? undefined : `${subject} not a public address ${privateHint}`;
}

/** The checks on a host before any DNS: metadata and loopback names, the allowlist, an IP literal's address. Throws EgressError. */
export function checkHost(host: string, literal: 0 | 4 | 6, policy: EgressPolicy): void {
  if (literal !== 0) {
    const refusal = addressRefusal(host, policy, `host ${host} is`);
    if (refusal) throw new EgressError('egress_address_refused', refusal);
  } else if (isMetadataName(host)) {
    throw new EgressError('egress_address_refused', `host ${host} is a cloud metadata name, refused always`);
  } else if (!policy.allowPrivate && isLoopbackName(host)) {
    throw new EgressError('egress_address_refused', `host ${host} is a loopback name ${privateHint}`);
  }
  if (!hostAllowed(host, policy.allowHosts)) throw new EgressError('egress_host_not_allowed', `host ${host} is not on the allowlist`);
}

/** A URL checked in form and host against a policy (no DNS). Throws EgressError. */
export function checkUrl(raw: string, policy: EgressPolicy): CheckedUrl {
  if (raw.length > maxUrlLength) throw new EgressError('egress_bad_url', `the URL is longer than ${maxUrlLength} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressError('egress_bad_url', 'the URL is not an absolute URL (IPv6 zone ids are not accepted)');
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) {
    throw new EgressError('egress_bad_url', `${url.protocol} URLs are refused: https: only (http: where private hosts are allowed)`);
  }
  if (url.username !== '' || url.password !== '') throw new EgressError('egress_bad_url', `the URL for ${url.hostname} carries credentials (user:password@); they are refused`);
  const normal = normaliseHost(url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname);
  if (!normal) throw new EgressError('egress_bad_url', 'the URL names no host');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (url.port !== '' && !policy.allowPrivate && policy.allowPorts !== 'any' && !(policy.allowPorts ?? []).includes(port)) {
    throw new EgressError('egress_bad_url', `port ${port} of ${originOf(url)} is not allowed (only the scheme's own port unless the policy lists it)`);
  }
  checkHost(normal.host, normal.literal, policy);
  url.hash = '';
  return { url, host: normal.host, port, literal: normal.literal };
}
