/**
 * Calling an http connector: the approved path template matched against the request, the
 * upstream URL built under the connector's base URL, the credential injected from the secret
 * store (header, query, basic, bearer, or an OAuth client-credentials token cached until it
 * expires), and the call made through egress (checked address, no redirects, timeout, size
 * cap). The app's own Authorization never goes upstream, and nothing of the upstream's headers
 * comes back but its content type (and a rewritten `Link: next`).
 */
import type { HttpConnection } from '../connectors/index.ts';
import { egressFetch, EgressError, type EgressPolicy, type EgressResponse, type Resolver } from '../egress/index.ts';
import { gatewayErrors } from './errors.ts';
import type { SecretService } from '../secrets/index.ts';
import { injectTraceContext } from '../observability/index.ts';

// One path segment as sent: unreserved, sub-delims, ':' and '@', and percent-escapes.
const segmentPattern = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;

/** The template's parameters when `path` (raw, as requested) matches it, else null. */
export function matchTemplate(template: string, path: string): Record<string, string> | null {
  const t = template.split('/');
  const p = path.split('/');
  if (t.length !== p.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const want = t[i]!;
    const got = p[i]!;
    const param = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(want);
    if (!param) {
      if (want !== got) return null;
      continue;
    }
    if (!segmentPattern.test(got)) return null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(got);
    } catch {
      return null;
    }
    // A parameter is one segment: no way to climb out of the template.
    if (decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) return null;
    params[param[1]!] = decoded;
  }
  return params;
}

export interface HttpCall {
  connector: string;
  app: string;
  subject?: string | undefined;
  connection: HttpConnection;
  method: string;
  /** The path under the base URL, raw (as matched). */
  path: string;
  /** The app's query string, without the leading '?'. */
  query: string;
  body?: Buffer | undefined;
  contentType?: string | undefined;
}

export interface HttpResult {
  status: number;
  contentType: string | undefined;
  body: Buffer;
  /** The next page, as a path and query under the gateway's route (link pagination). */
  next?: string;
  secrets: { name: string; version: number }[];
  /** Credential values to scrub from anything returned (an upstream may echo them). */
  sensitive: string[];
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

const forwardedRequestHeaders = ['accept', 'content-type'];

/** An EgressError as the app sees it: 504 for a timeout, 502 otherwise; never the upstream URL (it may carry a query credential). */
export function upstreamError(err: unknown, connector: string): Error {
  if (err instanceof EgressError) {
    if (err.code === 'egress_timeout') return gatewayErrors.error('gateway_upstream_timeout', `connector ${connector}: the upstream did not answer in time`, { extra: { upstream_error: err.code }, cause: err });
    const what: Record<string, string> = {
      egress_too_large: 'answered more than the connector allows (maxResponseBytes)',
      egress_redirect_refused: 'answered with a redirect, which the gateway does not follow',
      egress_address_refused: 'resolves to an address the connector may not reach',
      egress_host_not_allowed: 'is not a host the connector may reach',
      egress_dns_failed: 'could not be resolved',
      egress_connect_failed: 'could not be reached',
      egress_bad_url: 'is not a URL the gateway may call (a loopback name without allowPrivateHost, or a malformed address)',
    };
    // The cause (with the address refused or tried) goes to the audit event, not to the app.
    return gatewayErrors.error('gateway_upstream_failed', `connector ${connector}: the upstream ${what[err.code] ?? 'could not be called'}`, { extra: { upstream_error: err.code }, cause: err });
  }
  return err as Error;
}

export class HttpCaller {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(private readonly deps: { secrets: () => SecretService | undefined; resolver?: Resolver; ca?: string | readonly string[] }) {}

  secretChanged(name: string): void {
    for (const k of this.tokens.keys()) if (JSON.parse(k)[1] === name) this.tokens.delete(k);
  }

  private policyOf(c: HttpConnection): EgressPolicy {
    const base = new URL(c.baseUrl).hostname.replace(/^\[|\]$/g, '');
    return { allowHosts: [base, ...(c.allowHosts ?? [])], allowPrivate: c.allowPrivateHost };
  }

  private fetch(c: HttpConnection, req: { url: string; method: string; headers: Record<string, string>; body?: Buffer | string }): Promise<EgressResponse> {
    return egressFetch({
      ...req,
      timeoutMs: c.timeoutMs,
      maxResponseBytes: c.maxResponseBytes,
      maxRedirects: 0,
      policy: this.policyOf(c),
      ...(c.auth.type === 'header' && c.auth.name ? { credentialHeaders: [c.auth.name] } : {}),
      ...(this.deps.resolver ? { resolver: this.deps.resolver } : {}),
      ...(this.deps.ca ? { ca: this.deps.ca } : {}),
    });
  }

  private async secret(call: HttpCall, name: string, purpose: 'gateway' | 'oauth2') {
    const secrets = this.deps.secrets();
    if (!secrets) throw gatewayErrors.error('gateway_unavailable', `connector ${call.connector} needs the secret store, which is not available`);
    return secrets.resolve(name, { app: call.app, connector: call.connector, purpose, ...(call.subject ? { subject: call.subject } : {}) });
  }

  private async oauthToken(call: HttpCall, used: HttpResult['secrets'], sensitive: string[]): Promise<string> {
    const a = call.connection.auth;
    const s = await this.secret(call, a.secret!, 'oauth2');
    used.push({ name: s.name, version: s.version });
    sensitive.push(s.value);
    const key = JSON.stringify([call.connector, s.name, s.version, a.tokenUrl, a.clientId, a.scopes ?? []]);
    const hit = this.tokens.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.token;
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(a.scopes?.length ? { scope: a.scopes.join(' ') } : {}) });
    const basic = Buffer.from(`${encodeURIComponent(a.clientId!)}:${encodeURIComponent(s.value)}`).toString('base64');
    let r: EgressResponse;
    try {
      r = await this.fetch(call.connection, { url: a.tokenUrl!, method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() });
    } catch (err) {
      throw upstreamError(err, call.connector);
    }
    let parsed: { access_token?: unknown; expires_in?: unknown } = {};
    try {
      parsed = JSON.parse(r.body.toString('utf8')) as typeof parsed;
    } catch {
      // handled below
    }
    if (r.status !== 200 || typeof parsed.access_token !== 'string' || parsed.access_token.length === 0) {
      throw gatewayErrors.error('gateway_upstream_failed', `connector ${call.connector}: the OAuth token endpoint refused the client credentials (HTTP ${r.status})`, { extra: { upstream_status: r.status } });
    }
    const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 300;
    // Renewed a little before it expires, and at least hourly.
    const expiresAt = Date.now() + Math.min(lifetime - 30, 3600) * 1000;
    if (this.tokens.size >= 1000) this.tokens.clear();
    if (expiresAt > Date.now()) this.tokens.set(key, { token: parsed.access_token, expiresAt });
    sensitive.push(parsed.access_token);
    return parsed.access_token;
  }

  async call(call: HttpCall, headersIn: Record<string, string | string[] | undefined>): Promise<HttpResult> {
    const c = call.connection;
    const base = c.baseUrl.replace(/\/+$/, '');
    const url = new URL(base + call.path);
    url.search = call.query;
    const headers: Record<string, string> = {};
    for (const h of forwardedRequestHeaders) {
      const v = headersIn[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const used: HttpResult['secrets'] = [];
    const sensitive: string[] = [];
    const a = c.auth;
    if (a.type === 'oauth2') headers.authorization = `Bearer ${await this.oauthToken(call, used, sensitive)}`;
    else if (a.type !== 'none') {
      const s = await this.secret(call, a.secret!, 'gateway');
      used.push({ name: s.name, version: s.version });
      sensitive.push(s.value);
      if (a.type === 'header') headers[a.name!.toLowerCase()] = s.value;
      else if (a.type === 'query') url.searchParams.set(a.name!, s.value);
      else if (a.type === 'basic') headers.authorization = `Basic ${Buffer.from(`${a.username}:${s.value}`).toString('base64')}`;
      else headers.authorization = `Bearer ${s.value}`;
    }
    if (a.type === 'query') sensitive.push(encodeURIComponent(sensitive.at(-1)!));
    // The upstream's spans join the caller's trace (W3C traceparent), when tracing is on.
    injectTraceContext(headers);
    let r: EgressResponse;
    try {
      r = await this.fetch(c, { url: url.toString(), method: call.method, headers, ...(call.body && call.body.length > 0 ? { body: call.body } : {}) });
    } catch (err) {
      throw upstreamError(err, call.connector);
    }
    const contentType = typeof r.headers['content-type'] === 'string' ? r.headers['content-type'] : undefined;
    const next = c.pagination.style === 'link' ? nextLink(r.headers.link, base, a.type === 'query' ? a.name : undefined) : undefined;
    return { status: r.status, contentType, body: r.body, secrets: used, sensitive, ...(next ? { next } : {}) };
  }
}

/**
 * The `rel="next"` target of a Link header, as a path and query relative to the base URL, when
 * it lies under it (and without the credential's query parameter); otherwise nothing.
 */
export function nextLink(header: string | string[] | undefined, base: string, credentialParam: string | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header;
  if (!text) return undefined;
  for (const part of text.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m || !/\brel\s*=\s*"?next"?/i.test(m[2]!)) continue;
    let target: URL;
    try {
      target = new URL(m[1]!, base + '/');
    } catch {
      return undefined;
    }
    const b = new URL(base + '/');
    if (target.origin !== b.origin || !target.pathname.startsWith(b.pathname)) return undefined;
    if (credentialParam) target.searchParams.delete(credentialParam);
    return '/' + target.pathname.slice(b.pathname.length) + target.search;
  }
  return undefined;
}
