/** IPv4 (dotted quad, optional CIDR) and IPv6 (all RFC 4291 text forms, embedded IPv4, zone id,
 *  prefix). IPv6 candidates are a bounded run of hex groups and colons, checked by Node's own
 *  parser, which is stricter than any readable regex. */
import { isIPv6 } from 'node:net';
import type { AnchorSpans, PatternDetector } from '../types.ts';
import { re } from './shared.ts';

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;

export const ipv4Detector: PatternDetector = {
  id: 'ipv4',
  entity: 'IP_ADDRESS',
  kind: 'pii',
  tag: 'pii.ip',
  keywords: [],
  anchor: { kind: 'digits', minDigits: 4, before: 1, after: 1 },
  trigger: { anyOf: '.', minDigits: 4 },
  pattern: re(String.raw`(?<![\d.])(?:${OCTET}\.){3}${OCTET}(?:/(?:3[0-2]|[12]?\d)(?!\d))?(?!\d)`),
  baseConfidence: 0.6,
  context: ['ip', 'address', 'host', 'server', 'client'],
  description: 'IPv4 address',
};

/** A valid IPv6 address has `::` or eight groups, so either a double colon or three groups in a row. */
const IPV6_ANCHOR = /::|:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:/g;

/**
 * The matches of IPV6_ANCHOR, found by hopping between colons with the native `indexOf` instead
 * of letting the regex test every character: logs and JSON hold a colon every few dozen
 * characters and almost never an IPv6 address, so the regex cost ~0.7 ms per MB for nothing.
 * Same matches as the regex's global scan: it can only start at a colon, and a hex group is read
 * greedily (a shorter one would leave a hex digit where the next colon must be).
 */
export function ipv6AnchorSpans(text: string): AnchorSpans {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = text.indexOf(':'); i >= 0;) {
    const end = text.charCodeAt(i + 1) === 58 ? i + 2 : threeGroupsEnd(text, i);
    if (end < 0) {
      i = text.indexOf(':', i + 1);
      continue;
    }
    starts.push(i);
    ends.push(end);
    i = text.indexOf(':', end);
  }
  return { starts, ends };
}

/** Where `:h:h:h:` (h: one to four hex digits) starting at the colon at `i` ends, or -1. */
function threeGroupsEnd(text: string, i: number): number {
  let j = i + 1;
  for (let g = 0; g < 3; g++) {
    const from = j;
    while (j - from < 4 && isHex(text.charCodeAt(j))) j++;
    if (j === from || text.charCodeAt(j) !== 58) return -1;
    j++;
  }
  return j;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function ipv6Confidence(value: string): number | false {
  const addr = value.replace(/\/\d+$/, '').replace(/%[0-9A-Za-z]+$/, '');
  if (!isIPv6(addr)) return false;
  return addr === '::' ? 0.1 : 0.6;
}

export const ipv6Detector: PatternDetector = {
  id: 'ipv6',
  entity: 'IP_ADDRESS',
  kind: 'pii',
  tag: 'pii.ip',
  keywords: [],
  // anchor: IPV6_ANCHOR, found by `ipv6AnchorSpans`
  anchor: { kind: 'pattern', pattern: IPV6_ANCHOR, find: ipv6AnchorSpans, before: 100, after: 100 },
  trigger: { anyOf: ':' },
  pattern: re(String.raw`(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,8}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:%[0-9A-Za-z]{1,15})?(?:/(?:12[0-8]|1[01]\d|[1-9]?\d)(?!\d))?(?![0-9A-Za-z:]|\.\d)`),
  baseConfidence: 0.6,
  validate: ipv6Confidence,
  context: ['ip', 'address', 'host', 'server', 'client'],
  description: 'IPv6 address',
};
