/**
 * The `ocsf-http` transport: a batch of OCSF 1.3 events POSTed as one JSON array to an HTTPS
 * endpoint through the egress client (src/egress), so the receiver's address is checked and
 * connected to as checked. `http:` and private addresses only when the sink's config sets
 * `allowPrivateHost` (an internal SIEM), and `http:` then only to loopback. An optional header
 * (Authorization by default) carries a secret's value, read by name when sending; neither the
 * value nor the URL's path or query appears in an error.
 */
import { z } from 'zod';
import { checkUrl, egressFetch, EgressError, type EgressPolicy } from '../egress/index.ts';
import { httpOutcome } from './retry.ts';
import { DeliveryError, type SinkEvent, type SinkTransport, type TransportDeps, type TransportKind } from './transport.ts';

export const userAgent = 'Trellis-SIEM/1';
/** A batch larger than this as JSON is refused before sending (and split by the worker). */
const maxBodyBytes = 8 * 1024 * 1024;
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

const secretName = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be the name of a secret in the secret store');

const configSchema = z
  .strictObject({
    url: z.string().min(1).max(2048).meta({ description: 'The receiver: https (http only to loopback, with allowPrivateHost)' }),
    allowPrivateHost: z.boolean().default(false).meta({ description: 'Allow loopback and private addresses (an internal SIEM)' }),
    authSecret: secretName.optional().meta({ description: 'Name of the secret whose value is sent in authHeader' }),
    authHeader: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name')
      .default('authorization'),
    timeoutMs: z.int().min(100).max(120_000).default(10_000).meta({ description: 'Limit on one POST, DNS to the answer' }),
    batchSize: z.int().min(1).max(5000).default(100).meta({ description: 'Events per POST at most' }),
  })
  .superRefine((c, ctx) => {
    const problem = urlProblem(c.url, c.allowPrivateHost);
    if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
  });

type OcsfHttpConfig = z.infer<typeof configSchema>;

function policyOf(allowPrivateHost: boolean): EgressPolicy {
  return { allowPrivate: allowPrivateHost, allowPorts: 'any' };
}

/** Why a URL cannot be a receiver, in the words of someone fixing the field; undefined when it can. */
function urlProblem(raw: string, allowPrivateHost: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL such as https://siem.example.com/ingest';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@); name a secret in authSecret';
  if (url.hash !== '') return 'must not contain a #fragment';
  if (url.protocol === 'http:') {
    if (!allowPrivateHost || !loopbackHosts.has(url.hostname)) return 'must be https: (http: only to a loopback address, with allowPrivateHost)';
  } else if (url.protocol !== 'https:') return 'must be an https: URL';
  try {
    checkUrl(raw, policyOf(allowPrivateHost));
  } catch (err) {
    if (err instanceof EgressError) return `is refused: ${err.message}${allowPrivateHost ? '' : ' (set allowPrivateHost for an internal receiver)'}`;
    throw err;
  }
  return undefined;
}

/** The receiver's origin: what messages may name (a path or query can hold a token). */
function originOf(raw: string): string {
  return new URL(raw).origin;
}

class OcsfHttpTransport implements SinkTransport {
  private readonly receiver: string;

  constructor(
    private readonly config: OcsfHttpConfig,
    private readonly deps: TransportDeps,
  ) {
    this.receiver = originOf(config.url);
  }

  private async authHeaders(): Promise<Record<string, string>> {
    if (!this.config.authSecret) return {};
    try {
      return { [this.config.authHeader.toLowerCase()]: await this.deps.secret(this.config.authSecret) };
    } catch (err) {
      // The store's own message names the secret and why, never a value.
      throw new DeliveryError(`the secret ${this.config.authSecret} could not be read: ${(err as Error).message}`, false);
    }
  }

  async deliver(events: SinkEvent[], signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(events.map((e) => e.event));
    if (Buffer.byteLength(body) > maxBodyBytes) throw new DeliveryError(`the batch is ${Buffer.byteLength(body)} bytes as JSON; at most ${maxBodyBytes} are sent at once`, true);
    const headers = { 'content-type': 'application/json', 'user-agent': userAgent, ...(await this.authHeaders()) };
    let res;
    try {
      res = await egressFetch({ url: this.config.url, method: 'POST', headers, body, timeoutMs: this.config.timeoutMs, maxResponseBytes: 4096, truncateResponse: true, policy: policyOf(this.config.allowPrivateHost), signal });
    } catch (err) {
      if (signal.aborted) throw err;
      // Unreachable, timed out, refused address: all may pass (a SIEM restarting, DNS); retried.
      throw new DeliveryError(err instanceof EgressError ? err.message : `${this.receiver}: ${(err as Error).message}`, false);
    }
    const failure = httpOutcome(this.receiver, res.status, res.headers);
    if (failure) throw failure;
  }

  async close(): Promise<void> {
    // Connections belong to the egress client's shared pool.
  }
}

export const ocsfHttpTransport: TransportKind<typeof configSchema> = {
  type: 'ocsf-http',
  description: 'OCSF 1.3 events as a JSON array, POSTed in batches over HTTPS',
  configSchema,
  create: (config, deps) => new OcsfHttpTransport(config, deps),
};
