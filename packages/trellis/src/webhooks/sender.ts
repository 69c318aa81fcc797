/**
 * One delivery attempt over HTTP: resolve and check the target's addresses (address-policy.ts),
 * connect to a checked address only (the socket's lookup is pinned to it, so the name cannot
 * resolve differently between the check and the connection), POST the body, and read at most a
 * short excerpt of the answer. Redirects are not followed (a 3xx is a failed attempt: following
 * it would let a public receiver bounce us to an internal address). The whole attempt, DNS
 * included, is bounded by the timeout.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveTarget, type AddressPolicy } from './address-policy.ts';

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

function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

export async function attemptDelivery(req: AttemptRequest): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error('timeout')), req.timeoutMs);
  const fail = (error: string): AttemptOutcome => ({ statusCode: null, error, responseExcerpt: null, durationMs: elapsed(), aborted: req.signal?.aborted === true });
  try {
    const url = new URL(req.url);
    const resolved = await Promise.race([
      resolveTarget(url, req.policy),
      new Promise<{ ok: false; reason: string }>((resolve) => controller.signal.addEventListener('abort', () => resolve({ ok: false, reason: 'timed out resolving the host' }), { once: true })),
    ]);
    if (!resolved.ok) return fail(`refused: ${resolved.reason}`);
    const target = resolved.addresses[0]!;
    return await new Promise<AttemptOutcome>((resolve) => {
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request(
        url,
        {
          method: 'POST',
          headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
          lookup: pinnedLookup(target.address, target.family),
          signal: controller.signal,
          // No connection reuse: each attempt resolves and checks afresh.
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let read = 0;
          const done = () => {
            // NUL cannot be stored in PostgreSQL text: a receiver's binary answer must not stop the record.
            const text = Buffer.concat(chunks).toString('utf8').slice(0, excerptLength).replaceAll('\0', '\uFFFD');
            resolve({ statusCode: res.statusCode ?? null, error: null, responseExcerpt: text === '' ? null : text, durationMs: elapsed(), aborted: false });
          };
          res.on('data', (chunk: Buffer) => {
            if (read < maxBodyRead) chunks.push(chunk.subarray(0, maxBodyRead - read));
            read += chunk.length;
            // Enough read: stop taking the receiver's bytes.
            if (read >= maxBodyRead) {
              res.destroy();
              done();
            }
          });
          res.on('end', done);
          // The status already came: an error while reading the body does not change the outcome.
          res.on('error', done);
        },
      );
      request.on('error', (err: Error & { code?: string }) => {
        const timedOut = controller.signal.aborted && !req.signal?.aborted;
        resolve(fail(timedOut ? `timed out after ${req.timeoutMs} ms` : `${err.code ?? 'error'}: ${err.message}`.slice(0, 300)));
      });
      request.end(req.body);
    });
  } catch (err) {
    return fail((err as Error).message.slice(0, 300));
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }
}
