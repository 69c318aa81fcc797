/**
 * One delivery attempt over HTTP through the egress client (src/egress): the target's host
 * resolved once and every address checked, the connection made to a checked address, the body
 * POSTed, and at most a short excerpt of the answer read (the rest is not taken). Redirects are
 * not followed (a 3xx is a failed attempt: following it would let a public receiver bounce us to
 * an internal address). The whole attempt, DNS included, is bounded by the timeout.
 */
import { egressFetch, EgressError } from '../egress/index.ts';
import { egressPolicyOf, resolverOf, type AddressPolicy } from './address-policy.ts';

export const userAgent = 'Trellis-Webhooks/1';
/** Characters of the response body kept with an attempt. */
export const excerptLength = 256;
/** Bytes of the response body read at most; the rest is discarded unread. */
const maxBodyRead = 4096;

export interface AttemptRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: AddressPolicy;
  /** Aborts the attempt (the worker stopping). */
  signal?: AbortSignal;
}

export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
  /** Aborted by the signal: not an attempt of the receiver's making, so not counted. */
  aborted: boolean;
}

/** Codes that mean the target itself is not allowed (as opposed to unreachable). */
const refusals = new Set(['egress_bad_url', 'egress_host_not_allowed', 'egress_address_refused', 'egress_dns_failed']);

export async function attemptDelivery(req: AttemptRequest): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const outcome = (statusCode: number | null, error: string | null, responseExcerpt: string | null = null): AttemptOutcome => ({
    statusCode,
    error,
    responseExcerpt,
    durationMs: elapsed(),
    aborted: req.signal?.aborted === true,
  });
  try {
    const res = await egressFetch({
      url: req.url,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      timeoutMs: req.timeoutMs,
      maxResponseBytes: maxBodyRead,
      truncateResponse: true,
      policy: egressPolicyOf(req.policy),
      ...(resolverOf(req.policy) ? { resolver: resolverOf(req.policy)! } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    // NUL cannot be stored in PostgreSQL text: a receiver's binary answer must not stop the record.
    const text = res.body.toString('utf8').slice(0, excerptLength).replaceAll('\0', '\uFFFD');
    return outcome(res.status, null, text === '' ? null : text);
  } catch (err) {
    if (req.signal?.aborted) return outcome(null, 'aborted');
    if (!(err instanceof EgressError)) return outcome(null, (err as Error).message.slice(0, 300));
    // Not followed: the receiver's status is the outcome (the service says why it failed).
    if (err.code === 'egress_redirect_refused' && err.upstreamStatus !== undefined) return outcome(err.upstreamStatus, null);
    if (err.code === 'egress_timeout') return outcome(null, `timed out after ${req.timeoutMs} ms`);
    return outcome(null, (refusals.has(err.code) ? `refused: ${err.message}` : err.message).slice(0, 300));
  }
}
