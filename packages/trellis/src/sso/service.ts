/**
 * Single sign-on: the browser's authorization code flow with PKCE, the CLI's device
 * authorization grant, logout, and the two authenticators the route guard calls (the session
 * cookie with its CSRF check, and `trls_` bearer credentials). Every sign-in, refusal, logout
 * and CSRF refusal is audited (OCSF Authentication); no token or secret is ever in an event.
 */
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { AuditLog, AuditInput } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import type { Principal, Revocations, TokenService } from '../auth/index.ts';
import { actorOf, canonicalPersonRef } from '../auth/index.ts';
import { hasIdentityProvider, publicUrlOf, type Config } from '../config.ts';
import type { KeyRing } from '../module.ts';
import { ssoErrors } from './errors.ts';
import { identityFromClaims, isSafeReturnTo, SignInRefusal, type SignInIdentity } from './claims.ts';
import type { IdentityProvider, SignedIn } from './idp.ts';
import { IdpErrorAnswer, IdpUnavailable } from './idp-errors.ts';
import { Sessions, type SessionInfo, type SessionKind } from './sessions.ts';
import { cookiePolicy, readCookie, type CookiePolicy } from './cookies.ts';
import { csrfTokenOf, randomText, sameText, sealFor, sha256, unsealFor } from './credential.ts';
import * as store from './store.ts';
import type { SsoSessionRow } from './rows.ts';

const LOGIN_TTL_MS = 10 * 60_000;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** An RFC 8628 §3.5 / RFC 6749 §5.2 answer for the device token endpoint. */
export class DeviceAnswer extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export interface DeviceStart {
  handle: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  interval: number;
  expires_in: number;
}

export interface DeviceSession {
  token: string;
  session_id: string;
  subject: string;
  name: string;
  role: string;
  expires_at: string;
}

export interface SsoDeps {
  database: Database;
  audit: AuditLog;
  keys: KeyRing;
  tokens: TokenService;
  revocations: Revocations;
  config: Config;
}

/** A live session as admins see it: who, which kind, when; never its secret. */
export interface LiveSession {
  session_id: string;
  kind: string;
  subject: string;
  name: string;
  role: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export class SsoService {
  readonly sessions: Sessions;
  private idpClient: IdentityProvider | undefined;
  private readonly key: Buffer;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SsoDeps) {
    this.key = deps.keys.derive('sso.state');
    this.sessions = new Sessions(deps.database, deps.audit, this.key, deps.tokens, deps.revocations, () => this.deps.config.oidc);
    deps.tokens.addBearerAuthenticator('trls_', async (token) => {
      const r = await this.sessions.resolve(token, 'cli', undefined);
      return r instanceof AppError ? undefined : r;
    });
    deps.tokens.addCookieAuthenticator((request) => this.authenticateCookie(request));
    // A person cut off in the feed (deprovisioned): their sessions are refused already; the rows
    // are marked ended too, so the list of live sessions tells the truth. Every replica may try;
    // the update only touches rows not yet ended.
    deps.revocations.onRevoke((kind, ref, at) => {
      if (kind !== 'subject') return;
      void store.endSessionsOfSubject(deps.database.db, ref, new Date(at).toISOString(), new Date().toISOString(), 'revoked').catch(() => undefined);
    });
  }

  /** Live sessions, newest first (at most 500), of one person when `subject` is given: metadata only. */
  async listSessions(subject: string | undefined): Promise<LiveSession[]> {
    const rows = await store.listLiveSessions(this.deps.database.db, { now: new Date(this.sessions.clock()).toISOString(), subject: subject ? canonicalPersonRef(subject) : undefined, limit: 500 });
    return rows.map((r) => ({ session_id: r.id, kind: r.kind, subject: r.subject, name: r.name, role: r.role, created_at: r.created_at, last_seen_at: r.last_seen_at, expires_at: r.expires_at }));
  }

  /** An admin ends someone's session on every replica (a lost laptop, an incident). */
  async endSession(actor: Principal, id: string, srcIp: string): Promise<void> {
    const ended = await this.deps.database.db.transaction().execute(async (tx) => {
      const row = await this.sessions.end(tx, id, 'ended_by_admin');
      if (!row) return undefined;
      await this.deps.audit.append(tx, {
        class: 'authentication',
        activity: 'delete',
        action: 'session.end',
        actor: actorOf(actor),
        resources: [{ type: 'session', id, name: row.subject }],
        outcome: 'success',
        message: `session ${id} of ${row.subject} ended by ${actor.subject ?? actor.name}`,
        details: { kind: row.kind, subject: row.subject },
        srcIp,
      });
      return row;
    });
    if (!ended) throw new AppError('not_found', `no live session ${id}`);
    await this.deps.revocations.refresh();
  }

  /** Whether an IdP is configured (else the sign-in routes answer sso_not_configured). */
  get enabled(): boolean {
    return hasIdentityProvider(this.deps.config);
  }

  get cookies(): CookiePolicy {
    return cookiePolicy(this.deps.config);
  }

  /** The clock sessions are judged by (tests move it). */
  set clock(now: () => number) {
    this.sessions.clock = now;
  }

  private get publicUrl(): string {
    return publicUrlOf(this.deps.config);
  }

  get redirectUri(): string {
    return `${this.publicUrl}/auth/callback`;
  }

  /** The IdP client, loaded on first use: an installation without an IdP never loads openid-client. */
  private async idp(): Promise<IdentityProvider> {
    if (!this.enabled) throw ssoErrors.error('sso_not_configured', 'no identity provider is configured (TRELLIS_OIDC_ISSUER, TRELLIS_OIDC_CLIENT_ID); see docs/sso.md');
    if (!this.idpClient) {
      const { IdentityProvider } = await import('./idp.ts');
      this.idpClient ??= new IdentityProvider(this.deps.config.oidc);
    }
    return this.idpClient;
  }

  csrfTokenOf(sessionId: string): string {
    return csrfTokenOf(this.key, sessionId);
  }

  // ---- browser sign-in ----

  /** Begin a browser sign-in: the IdP URL to send the browser to, and the binding cookie's value. */
  async startLogin(returnTo: string | undefined, srcIp: string): Promise<{ location: string; binding: string }> {
    const idp = await this.idp();
    const target = returnTo ?? '/';
    if (!isSafeReturnTo(target)) {
      await this.failed('browser', 'unsafe_return_to', 'return_to must be a relative path on this server', undefined, srcIp);
      throw new AppError('bad_request', 'return_to must be a relative path on this server (such as /apps), not another site');
    }
    const state = randomText();
    const nonce = randomText();
    const codeVerifier = randomText();
    const binding = randomText();
    const location = await this.idpCall(idp.authorizationUrl({ redirectUri: this.redirectUri, state, nonce, codeVerifier }));
    const now = Date.now();
    const stateHash = sha256(state);
    await store.insertLogin(this.deps.database.db, {
      state_hash: stateHash,
      binding_hash: sha256(binding),
      code_verifier_enc: sealFor(this.key, `pkce/${stateHash}`, codeVerifier),
      nonce,
      return_to: target,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + LOGIN_TTL_MS).toISOString(),
    });
    return { location: location.toString(), binding };
  }

  /** Finish a browser sign-in at the callback: a session and where to send the browser, or an audited refusal. */
  async finishLogin(query: Record<string, string | undefined>, rawQuery: string, binding: string | undefined, srcIp: string): Promise<{ token: string; returnTo: string; maxAgeSeconds: number }> {
    const idp = await this.idp();
    const state = query.state;
    const login = state ? await this.deps.database.db.transaction().execute((tx) => store.takeLogin(tx, sha256(state))) : undefined;
    if (!state || !login) {
      await this.failed('browser', 'unknown_state', 'the callback named no pending sign-in (unknown, used or expired state)', undefined, srcIp);
      throw ssoErrors.error('sign_in_failed', 'this sign-in link is not valid any more (unknown, already used or expired); start again at /auth/login');
    }
    if (!binding || !sameText(sha256(binding), login.binding_hash)) {
      await this.failed('browser', 'state_mismatch', 'the callback came from a browser that did not start this sign-in', undefined, srcIp);
      throw ssoErrors.error('sign_in_failed', 'this sign-in was started in another browser; start again at /auth/login');
    }
    if (Date.parse(login.expires_at) <= Date.now()) {
      await this.failed('browser', 'expired', 'the sign-in took too long', undefined, srcIp);
      throw ssoErrors.error('sign_in_failed', 'the sign-in took too long; start again at /auth/login');
    }
    let codeVerifier: string;
    try {
      codeVerifier = unsealFor(this.key, `pkce/${login.state_hash}`, login.code_verifier_enc);
    } catch {
      await this.failed('browser', 'unreadable_state', 'the pending sign-in could not be read', undefined, srcIp);
      throw ssoErrors.error('sign_in_failed', 'the pending sign-in could not be read; start again at /auth/login');
    }
    const currentUrl = new URL(`/auth/callback${rawQuery ? `?${rawQuery}` : ''}`, this.publicUrl);
    const signedIn = await this.grant('browser', srcIp, () => idp.codeGrant(currentUrl, { state, nonce: login.nonce, codeVerifier }));
    const identity = await this.identity('browser', signedIn, srcIp);
    const opened = await this.openSession(identity, 'browser', signedIn.rawIdToken, srcIp);
    return { token: opened!.token, returnTo: login.return_to, maxAgeSeconds: this.deps.config.oidc.sessionMaxHours * 3600 };
  }

  // ---- device authorization grant (trellis login) ----

  async startDevice(): Promise<DeviceStart> {
    const idp = await this.idp();
    const d = await this.idpCall(idp.startDevice());
    const handle = randomText();
    const now = Date.now();
    const hash = sha256(handle);
    const interval = d.interval ?? 5;
    await store.insertDevice(this.deps.database.db, {
      handle_hash: hash,
      device_code_enc: sealFor(this.key, `device/${hash}`, d.device_code),
      interval,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + d.expires_in * 1000).toISOString(),
      used_at: null,
    });
    return { handle, user_code: d.user_code, verification_uri: d.verification_uri, ...(d.verification_uri_complete ? { verification_uri_complete: d.verification_uri_complete } : {}), interval, expires_in: d.expires_in };
  }

  /** One poll: asks the IdP once; a session when the person approved, else a DeviceAnswer. */
  async pollDevice(handle: string, srcIp: string): Promise<DeviceSession> {
    const idp = await this.idp();
    const hash = sha256(handle);
    const row = await store.findDevice(this.deps.database.db, hash);
    if (!row || row.used_at) throw new DeviceAnswer(400, 'invalid_grant', 'unknown or already used device authorization; run trellis login again');
    if (Date.parse(row.expires_at) <= Date.now()) throw new DeviceAnswer(400, 'expired_token', 'the code expired before it was approved; run trellis login again');
    const deviceCode = unsealFor(this.key, `device/${hash}`, row.device_code_enc);
    let signedIn: SignedIn;
    try {
      signedIn = await idp.deviceGrantOnce(deviceCode);
    } catch (err) {
      if (err instanceof IdpErrorAnswer) {
        if (err.error === 'authorization_pending' || err.error === 'slow_down') throw new DeviceAnswer(400, err.error, err.error === 'slow_down' ? 'polling too fast; wait longer between polls' : 'waiting for the person to approve the code');
        if (err.error === 'expired_token') throw new DeviceAnswer(400, 'expired_token', 'the code expired before it was approved; run trellis login again');
        await this.failed('device', err.error === 'access_denied' ? 'denied_at_idp' : 'idp_error', `the identity provider answered ${err.error}`, undefined, srcIp);
        throw new DeviceAnswer(400, err.error === 'access_denied' ? 'access_denied' : 'invalid_grant', err.error === 'access_denied' ? 'the sign-in was denied at the identity provider' : `the identity provider refused: ${err.error}`);
      }
      if (err instanceof IdpUnavailable) throw new DeviceAnswer(503, 'temporarily_unavailable', 'the identity provider could not be reached; retry');
      throw err;
    }
    let identity: SignInIdentity;
    try {
      identity = await this.identity('device', signedIn, srcIp);
    } catch (err) {
      if (err instanceof AppError) throw new DeviceAnswer(400, 'access_denied', err.message);
      throw err;
    }
    const opened = await this.openSession(identity, 'cli', signedIn.rawIdToken, srcIp, hash);
    if (!opened) throw new DeviceAnswer(400, 'invalid_grant', 'this device authorization was already used');
    return { token: opened.token, session_id: opened.row.id, subject: opened.row.subject, name: opened.row.name, role: opened.row.role, expires_at: opened.row.expires_at };
  }

  // ---- sessions ----

  async sessionInfo(p: Principal): Promise<(SessionInfo & { csrf_token: string }) | undefined> {
    if (p.kind !== 'session') return undefined;
    const info = await this.sessions.info(p.tokenId);
    return info ? { ...info, role: p.role, attributes: { ...p.attributes }, csrf_token: this.csrfTokenOf(p.tokenId) } : undefined;
  }

  /** End the caller's session everywhere; the IdP's end-session URL (RP-initiated logout) when it has one. */
  async logout(p: Principal, srcIp: string): Promise<{ end_session_url?: string }> {
    if (p.kind !== 'session') throw new AppError('bad_request', 'only a signed-in session can log out; revoke API tokens with `trellis tokens revoke`');
    const row = await this.deps.database.db.transaction().execute(async (tx) => {
      const ended = await this.sessions.end(tx, p.tokenId, 'logout');
      if (ended) {
        await this.deps.audit.append(tx, {
          class: 'authentication',
          activity: 'delete',
          action: 'session.logout',
          actor: actorOf(p),
          resources: [{ type: 'session', id: p.tokenId }],
          outcome: 'success',
          message: `${p.subject ?? p.name} signed out`,
          details: { kind: ended.kind },
          srcIp,
        });
      }
      return ended;
    });
    await this.deps.revocations.refresh();
    if (!row || !this.enabled) return {};
    const url = await (await this.idp()).endSessionUrl({ idTokenHint: this.sessions.idTokenOf(row), postLogoutRedirectUri: `${this.publicUrl}/` });
    return url ? { end_session_url: url } : {};
  }

  /**
   * The route guard's cookie authenticator: undefined without a session cookie; otherwise the
   * session's principal, `unauthenticated` for an ended or expired one, `forbidden` (audited)
   * for an unsafe method without the session's CSRF token and this server's Origin.
   */
  async authenticateCookie(request: FastifyRequest): Promise<Principal | AppError | undefined> {
    const value = readCookie(request.headers.cookie, this.cookies.session);
    if (value === undefined || value === '') return undefined;
    const p = await this.sessions.resolve(value, 'browser', request.ip);
    if (p instanceof AppError || !UNSAFE.has(request.method)) return p;
    const header = request.headers['x-csrf-token'];
    const presented = typeof header === 'string' ? header : undefined;
    const reason = !presented ? 'missing_token' : !sameText(presented, this.csrfTokenOf(p.tokenId)) ? 'wrong_token' : !this.sameOrigin(request) ? 'cross_origin' : undefined;
    if (!reason) return p;
    await this.deps.audit.record({
      class: 'authentication',
      activity: 'other',
      action: 'session.csrf_refused',
      actor: actorOf(p),
      resources: [{ type: 'session', id: p.tokenId }],
      outcome: 'failure',
      message: `${request.method} ${request.routeOptions.url ?? ''} refused: ${reason.replace('_', ' ')}`,
      details: { reason, method: request.method, route: request.routeOptions.url ?? '' },
      srcIp: request.ip,
    });
    return new AppError('forbidden', reason === 'cross_origin' ? 'the request came from another origin' : 'a cookie-authenticated change needs the X-CSRF-Token header (GET /api/v1/session gives it)');
  }

  private sameOrigin(request: FastifyRequest): boolean {
    const expected = new URL(this.publicUrl).origin;
    const origin = request.headers.origin;
    if (typeof origin === 'string') return origin === expected;
    const referer = request.headers.referer;
    if (typeof referer !== 'string') return false;
    try {
      return new URL(referer).origin === expected;
    } catch {
      return false;
    }
  }

  // ---- shared steps ----

  private async idpCall<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof IdpUnavailable || err instanceof IdpErrorAnswer) throw ssoErrors.error('idp_unavailable', err.message);
      throw err;
    }
  }

  private async grant(method: 'browser' | 'device', srcIp: string, run: () => Promise<SignedIn>): Promise<SignedIn> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof IdpErrorAnswer) {
        await this.failed(method, 'idp_error', `the identity provider refused the sign-in: ${err.error}`, undefined, srcIp);
        throw ssoErrors.error('sign_in_failed', `the identity provider refused the sign-in (${err.error}); start again at /auth/login`);
      }
      if (err instanceof IdpUnavailable) {
        await this.failed(method, 'idp_unavailable', 'the identity provider could not be reached', undefined, srcIp);
        throw ssoErrors.error('idp_unavailable', 'the identity provider could not be reached; try again');
      }
      throw err;
    }
  }

  private async identity(method: 'browser' | 'device', signedIn: SignedIn, srcIp: string): Promise<SignInIdentity> {
    try {
      return identityFromClaims(signedIn.idToken, signedIn.claims, this.deps.config.oidc);
    } catch (err) {
      if (!(err instanceof SignInRefusal)) throw err;
      await this.failed(method, err.reason, err.message, err.subject, srcIp);
      throw ssoErrors.error('sign_in_refused', err.message, { extra: { reason: err.reason } });
    }
  }

  /** A session and its sign-in event in one transaction; with a device handle, only if that handle is still unused. */
  private async openSession(identity: SignInIdentity, kind: SessionKind, rawIdToken: string | undefined, srcIp: string, deviceHash?: string): Promise<{ row: SsoSessionRow; token: string } | undefined> {
    return this.deps.database.db.transaction().execute(async (tx) => {
      if (deviceHash && !(await store.useDevice(tx, deviceHash, new Date().toISOString()))) return undefined;
      const created = await this.sessions.create(tx, identity, kind, rawIdToken);
      await this.deps.audit.append(tx, {
        class: 'authentication',
        activity: 'create',
        action: 'sign_in',
        actor: { type: 'user', id: created.row.id, name: identity.name, role: identity.role, subject: identity.subject },
        resources: [{ type: 'session', id: created.row.id }],
        outcome: 'success',
        message: `${identity.subject} signed in (${kind === 'cli' ? 'trellis login' : 'browser'}) as ${identity.role}`,
        details: { method: kind === 'cli' ? 'device' : 'browser', role: identity.role, expires_at: created.row.expires_at },
        srcIp,
      });
      return created;
    });
  }

  private async failed(method: 'browser' | 'device', reason: string, message: string, subject: string | undefined, srcIp: string): Promise<void> {
    const event: AuditInput = {
      class: 'authentication',
      activity: 'other',
      action: 'sign_in',
      actor: subject ? { type: 'user', id: subject, subject } : { type: 'user', id: 'anonymous' },
      outcome: 'failure',
      message: `sign-in refused: ${message}`,
      details: { method, reason },
      srcIp,
    };
    await this.deps.audit.record(event);
  }

  start(): void {
    const run = () => void store.sweep(this.deps.database.db, new Date()).catch(() => undefined);
    run();
    this.sweeper = setInterval(run, 10 * 60_000);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
