/**
 * Configuration fields the syslog, Splunk HEC and OTLP transports share, with their checks:
 * a secret's name (never its value), a PEM certificate bundle, a host, a receiver URL, and one
 * POST through the egress client whose failures are DeliveryErrors. Kept in one place so the three sinks refuse
 * the same things with the same words.
 */
import { z } from 'zod';
import { EgressError, egressFetch, type EgressPolicy } from '../egress/index.ts';
import { DeliveryError } from './transport.ts';

/** The secret store's name rule (a DNS label). */
export const secretName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be the name of a secret in the secret store (1-63 lower-case letters, digits and hyphens), never the secret itself');

export const pemCertificates = z
  .string()
  .max(64 * 1024)
  .regex(/^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, 'must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)');

export const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|[0-9A-Fa-f:.]+)$/, 'must be a host name or an IP address (no scheme, port or path)');

export const allowPrivateHost = z.boolean().default(false).meta({ description: 'Allow a receiver on a loopback, private or link-local address, and http: (tcp for syslog). Cloud metadata addresses never.' });

export const timeoutMs = (fallback: number, max: number) =>
  z
    .int()
    .min(100)
    .max(max)
    .default(fallback)
    .meta({ description: `Milliseconds, 100 to ${max}.` });

export type Issues = z.core.$RefinementCtx<unknown>;

/** Why a receiver URL is refused, or null: https: (http: only with allowPrivateHost), no credentials, query or fragment. */
export function receiverUrlProblem(text: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL, e.g. https://collector.example.com:4318';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an https: URL, not ${url.protocol}`;
  if (url.protocol === 'http:' && !allowPrivate) return 'must be an https: URL (http: only with allowPrivateHost)';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: name a secret instead';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment (a token in a query string would be stored in the clear)';
  return null;
}

/** `base` with `path` appended unless the URL already ends with it. */
export function endpointOf(base: string, path: string): string {
  const url = new URL(base);
  const trimmed = url.pathname.replace(/\/+$/, '');
  url.pathname = trimmed.endsWith(path) ? trimmed : `${trimmed}${path}`;
  return url.toString();
}

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
  ca?: string;
  signal: AbortSignal;
  /** Names the sink kind in messages ("splunk-hec", "otlp-logs"). */
  what: string;
}

export interface PostAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Bytes of a receiver's answer read at most: enough for any status document. */
const maxAnswerBytes = 64 * 1024;

/**
 * One POST through the egress client. Anything that stops it before an answer (refused address,
 * DNS, connection, timeout, abort) is a transient DeliveryError: the receiver may be back, or the
 * setting fixed, by the next attempt. Messages name the origin only (egress sees to it).
 */
export async function postToReceiver(req: PostRequest): Promise<PostAnswer> {
  const policy: EgressPolicy = { allowPrivate: req.allowPrivate, allowPorts: 'any' };
  try {
    const res = await egressFetch({
      url: req.url,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      timeoutMs: req.timeoutMs,
      maxResponseBytes: maxAnswerBytes,
      maxRequestBytes: 64 * 1024 * 1024,
      truncateResponse: true,
      policy,
      signal: req.signal,
      ...(req.ca !== undefined ? { ca: req.ca } : {}),
    });
    return { status: res.status, headers: res.headers, body: res.body };
  } catch (err) {
    if (req.signal.aborted) throw new DeliveryError(`${req.what}: delivery aborted`, false);
    if (err instanceof EgressError) throw new DeliveryError(`${req.what}: ${err.code}: ${err.message}`, false);
    throw err;
  }
}

/** Printable text of a receiver's message, short, for last_error. */
export function excerpt(text: unknown): string {
  return typeof text === 'string' ? text.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200) : '';
}

/** A secret's value through the deps, its failure a transient error naming the secret only. */
export async function secretValue(deps: { secret(name: string): Promise<string> }, name: string, what: string): Promise<string> {
  try {
    return await deps.secret(name);
  } catch {
    throw new DeliveryError(`${what}: the secret ${name} could not be read (does it exist?)`, false);
  }
}
