/**
 * When to try a sink again, and what an HTTP receiver's answer means for a batch. Transient
 * failures (no connection, a timeout, 5xx, 408, 429) are retried for ever with exponential
 * backoff and jitter, never sooner than the receiver's Retry-After; a receiver that refuses the
 * batch itself (another 4xx) fails it for good, and the worker dead-letters it.
 */
import { DeliveryError } from './transport.ts';

export interface Backoff {
  /** Delay after the first failure. */
  baseMs: number;
  /** Longest delay between attempts. */
  capMs: number;
}

export const defaultBackoff: Backoff = { baseMs: 1000, capMs: 60_000 };
/** A Retry-After longer than this is taken as this: a receiver cannot park a sink for days. */
const maxRetryAfterMs = 3_600_000;

/**
 * The delay before attempt `failures + 1`: base · 2^(failures−1), capped, then varied between
 * half and all of it ("equal jitter"), so sinks that failed together do not retry together.
 */
export function backoffMs(failures: number, b: Backoff, retryAfterMs?: number, random: () => number = Math.random): number {
  const exp = Math.min(b.capMs, b.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  const delay = Math.round(exp / 2 + (random() * exp) / 2);
  return Math.max(delay, Math.min(retryAfterMs ?? 0, maxRetryAfterMs));
}

/** A Retry-After header (seconds, or an HTTP date) in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * What an HTTP receiver's status means: undefined for 2xx (acknowledged), otherwise the
 * DeliveryError to throw. 401, 403 and 404 are retried rather than dead-lettered: they say the
 * sink's credentials or URL are wrong, not the batch, and every event would go to the dead
 * letters until someone fixes the sink. Redirects are not followed (egress), and retried too.
 */
export function httpOutcome(receiver: string, status: number, headers: Record<string, string | string[]>): DeliveryError | undefined {
  if (status >= 200 && status < 300) return undefined;
  const retryAfter = parseRetryAfter(headers['retry-after']);
  if (status >= 500 || status === 408 || status === 429) return new DeliveryError(`${receiver} answered HTTP ${status}`, false, retryAfter);
  if (status >= 300 && status < 400) return new DeliveryError(`${receiver} answered HTTP ${status} (redirects are not followed: configure the final URL)`, false);
  if (status === 401 || status === 403) return new DeliveryError(`${receiver} answered HTTP ${status}: check the sink's credentials`, false, retryAfter);
  if (status === 404) return new DeliveryError(`${receiver} answered HTTP 404: check the sink's URL`, false, retryAfter);
  return new DeliveryError(`${receiver} refused the batch with HTTP ${status}`, true);
}
