/** IPv4 (dotted quad, optional CIDR) and IPv6 (all RFC 4291 text forms, embedded IPv4, zone id,
 *  prefix). IPv6 candidates are a bounded run of hex groups and colons, checked by Node's own
 *  parser, which is stricter than any readable regex. */
import { isIPv6 } from 'node:net';
import type { PatternDetector } from '../types.ts';
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
  // anchor: a valid address has `::` or eight groups, so either a double colon or three groups in a row
  anchor: { kind: 'pattern', pattern: /::|:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:/g, before: 100, after: 100 },
  trigger: { anyOf: ':' },
  pattern: re(String.raw`(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,8}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:%[0-9A-Za-z]{1,15})?(?:/(?:12[0-8]|1[01]\d|[1-9]?\d)(?!\d))?(?![0-9A-Za-z:]|\.\d)`),
  baseConfidence: 0.6,
  validate: ipv6Confidence,
  context: ['ip', 'address', 'host', 'server', 'client'],
  description: 'IPv6 address',
};
