/**
 * Webhook signatures, the Standard Webhooks scheme (https://www.standardwebhooks.com): the
 * secret is `whsec_` + base64 of 32 random bytes, and the key is those bytes; a message is
 * signed as `v1,` + base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")).
 * Several signatures are separated by spaces (a rotation's overlap sends two), and a receiver
 * accepts the message when any one of them matches a secret it holds.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const secretPrefix = 'whsec_';

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return secretPrefix + randomBytes(32).toString('base64');
}

function keyOf(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, 'base64');
  if (key.length < 16) throw new TypeError('a webhook secret is whsec_ followed by the base64 of at least 16 bytes');
  return key;
}

/** `v1,<base64 signature>` of one message under one secret. */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  return 'v1,' + createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** The webhook-signature header value: one signature per secret, space-separated. */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => signature(s, id, timestamp, body)).join(' ');
}

/** Why a webhook was not accepted; `ok: true` when it was. */
export type VerifyResult = { ok: true; id: string; timestamp: number } | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'timestamp_out_of_tolerance' | 'no_matching_signature' };

export interface VerifyOptions {
  /** Seconds a timestamp may be away from now, either way (default 300, as Standard Webhooks advises). */
  toleranceSeconds?: number;
  /** The clock, in seconds since the epoch (tests). */
  nowSeconds?: number;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : bag[key];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Checks a received webhook: the timestamp within the tolerance (a replay of an old message is
 * refused) and one `v1` signature matching `secret` over the raw body, compared in constant time.
 * Pass the body exactly as received: re-serialised JSON would not match.
 * @example
 *   const r = verifyWebhookSignature(process.env.WEBHOOK_SECRET!, req.headers, rawBody);
 *   if (!r.ok) return res.writeHead(400).end(r.reason);
 */
export function verifyWebhookSignature(secret: string, headers: HeaderBag, body: string | Buffer, opts: VerifyOptions = {}): VerifyResult {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const sigs = header(headers, 'webhook-signature');
  if (!id || !ts || !sigs) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'bad_timestamp' };
  const timestamp = Number(ts);
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? 300)) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  const expected = Buffer.from(signature(secret, id, timestamp, typeof body === 'string' ? body : body.toString('utf8')).slice(3), 'base64');
  for (const candidate of sigs.split(' ')) {
    const [version, value] = candidate.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const got = Buffer.from(value, 'base64');
    if (got.length === expected.length && timingSafeEqual(got, expected)) return { ok: true, id, timestamp };
  }
  return { ok: false, reason: 'no_matching_signature' };
}
