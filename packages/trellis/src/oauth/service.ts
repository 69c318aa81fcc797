/**
 * The oauth service: apps' service identities and their credentials, and the authorization
 * server's endpoints — token (client credentials and token exchange), introspection and
 * revocation — plus `verify` for the gateway.
 *
 * - An app approved gets an OAuth client in the status change's own transaction; suspended or
 *   retired, the client is disabled and the revocation feed voids every token of the client
 *   and the app issued up to that instant, on every replica within a second.
 * - What a token may say comes from the app's APPROVED manifest (grants-scope.ts), never from
 *   the request; the `data.trellis.token` policy decides and caps the lifetime.
 * - Issuance, refusals (aggregated), revocation and every credential change are audited as
 *   OCSF Authentication (3002) events; no secret or token is ever written there.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor, AuditInput, AuditLog } from '../audit/index.ts';
import { actorOf, AggregatedAudit, canonicalPersonRef, FailureLimiter, type Principal, type Revocations, type TokenService } from '../auth/index.ts';
import type { AppStatusChange, CatalogService } from '../catalog/index.ts';
import { publicUrlOf, type Config } from '../config.ts';
import type { Database, Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { PolicyService } from '../policy/index.ts';
import { signAccessToken, type AccessTokenClaims, type AccessTokenVerifier, type VerifiedAccessToken, type VerifyFailure } from './access-token.ts';
import { authenticateClient, claimedClientId, clientAuthMethods, type AuthenticatedClient } from './client-auth.ts';
import { assertionAlgs, checkPublicJwks, newClientSecret } from './client-credentials.ts';
import { ReplayCache, verifyDpopProof } from './dpop.ts';
import { oauthErrors } from './errors.ts';
import type { FormParams } from './form.ts';
import { grantableOf, narrow } from './grants-scope.ts';
import { dpopAlgs, signingAlgs } from './jwt-policy.ts';
import { OAuthError } from './protocol-errors.ts';
import type { OAuthClientCredentialRow } from './rows.ts';
import type { SigningKeys } from './signing-keys.ts';
import * as store from './store.ts';

export const tokenExchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';
export const grantTypes = ['client_credentials', tokenExchangeGrant] as const;

/** Lifetime when the request names none (15 minutes). */
export const DEFAULT_LIFETIME_SEC = 900;
/** No token outlives this whatever the policy says: the revocation feed's horizon is built on it. */
export const MAX_LIFETIME_SEC = 86_400;
export const DEFAULT_OVERLAP_SEC = 86_400;
export const MAX_OVERLAP_SEC = 7 * 86_400;

/** A request to one of the protocol endpoints, as the routes hand it over. */
export interface ProtocolRequest {
  params: FormParams;
  authorization: string | undefined;
  /** The DPoP header(s), as received. */
  dpop: string | string[] | undefined;
  srcIp: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
  issued_token_type?: string;
}

export interface CredentialInfo {
  id: string;
  type: 'client_secret' | 'private_key_jwt';
  created_at: string;
  created_by: string;
  /** When a rotated secret stops working; null while it has no end. */
  expires_at: string | null;
  status: 'active' | 'expiring' | 'expired';
  /** Key ids of a registered JWKS. */
  kids?: string[];
}

export interface CredentialsList {
  app: string;
  client_id: string;
  client_type: 'public' | 'confidential';
  client_status: 'active' | 'disabled';
  items: CredentialInfo[];
}

export type CreateCredential = { type: 'client_secret'; overlap_seconds?: number | undefined } | { type: 'private_key_jwt'; jwks: { keys: unknown[] } };

export interface CreatedCredential {
  app: string;
  client_id: string;
  credential: CredentialInfo;
  /** The client secret, shown this once. */
  client_secret?: string;
  /** Secrets this one replaces, valid until their expires_at. */
  rotated?: { id: string; expires_at: string }[];
}

export interface Caller {
  principal: Principal;
  srcIp?: string;
}

export interface OAuthDeps {
  database: Database;
  audit: AuditLog;
  catalog: CatalogService;
  tokens: TokenService;
  revocations: Revocations;
  policy: PolicyService;
  signingKeys: SigningKeys;
  verifier: AccessTokenVerifier;
  config: Config;
}

function credentialInfo(r: OAuthClientCredentialRow, now: string): CredentialInfo {
  const status = r.expires_at === null ? 'active' : r.expires_at > now ? 'expiring' : 'expired';
  const kids = r.jwks ? (JSON.parse(r.jwks) as { keys: { kid: string }[] }).keys.map((k) => k.kid) : undefined;
  return { id: r.id, type: r.type as CredentialInfo['type'], created_at: r.created_at, created_by: r.created_by, expires_at: r.expires_at, status, ...(kids ? { kids } : {}) };
}

const clientActor = (c: { clientId: string; app: string }): Actor => ({ type: 'service', id: c.clientId, name: c.app });

export class OAuthService {
  private readonly refusals: AggregatedAudit;
  private readonly firstUses: AggregatedAudit;
  private readonly throttle: FailureLimiter;
  private readonly dpopReplay = new ReplayCache();
  /** jti → the addresses it was used from (first use per address is audited). */
  private readonly usedFrom = new Map<string, Set<string>>();

  constructor(private readonly deps: OAuthDeps) {
    this.refusals = new AggregatedAudit(deps.audit, deps.database);
    this.firstUses = new AggregatedAudit(deps.audit, deps.database);
    // The API's limiter, on the same shared counts: a guesser is stopped across replicas and endpoints.
    this.throttle = new FailureLimiter(deps.config.authFailureLimit, deps.database);
    deps.catalog.onStatusChange((tx, change) => this.statusChanged(tx, change));
  }

  // ---- where things are -------------------------------------------------------------------

  /** The public URL (config.ts keeps it without a trailing slash), read when needed: see server.ts for port 0. */
  issuer(): string {
    return publicUrlOf(this.deps.config);
  }

  endpoint(path: '/oauth/token' | '/oauth/introspect' | '/oauth/revoke' | '/oauth/jwks'): string {
    return this.issuer() + path;
  }

  /** RFC 8414 authorization server metadata. */
  metadata(): Record<string, unknown> {
    const authMethods = clientAuthMethods.filter((m) => m !== 'none');
    return {
      issuer: this.issuer(),
      token_endpoint: this.endpoint('/oauth/token'),
      introspection_endpoint: this.endpoint('/oauth/introspect'),
      revocation_endpoint: this.endpoint('/oauth/revoke'),
      jwks_uri: this.endpoint('/oauth/jwks'),
      grant_types_supported: [...grantTypes],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: [...clientAuthMethods],
      token_endpoint_auth_signing_alg_values_supported: [...assertionAlgs],
      introspection_endpoint_auth_methods_supported: [...authMethods, 'bearer'],
      introspection_endpoint_auth_signing_alg_values_supported: [...assertionAlgs],
      revocation_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_signing_alg_values_supported: [...assertionAlgs],
      dpop_signing_alg_values_supported: [...dpopAlgs],
      access_token_signing_alg_values_supported: [...signingAlgs],
      service_documentation: 'https://trellis.dev/docs/oauth',
    };
  }

  jwks(): { keys: unknown[] } {
    return this.deps.signingKeys.jwks();
  }

  async rotateSigningKeys(caller: Caller): Promise<{ kid: string; retiring: string | null }> {
    return this.deps.signingKeys.rotate(actorOf(caller.principal));
  }

  // ---- service identities ------------------------------------------------------------------

  /** In the status change's transaction: approved → client created or re-enabled; suspended/retired → disabled, tokens void. */
  private async statusChanged(tx: Tx, change: AppStatusChange): Promise<void> {
    const now = new Date().toISOString();
    const client = await store.findClientByApp(tx, change.name);
    if (change.to === 'approved') {
      if (!client) {
        const clientId = 'trlc_' + randomBytes(12).toString('hex');
        await store.insertClient(tx, { client_id: clientId, app_name: change.name, type: 'public', status: 'active', created_at: now, updated_at: now });
        await this.deps.audit.append(tx, this.clientEvent(change, clientId, 'create', 'oauth.client.create', `service identity ${clientId} created for app ${change.name}`));
      } else if (client.status !== 'active') {
        await store.updateClient(tx, client.client_id, { status: 'active' }, now);
        await this.deps.audit.append(tx, this.clientEvent(change, client.client_id, 'update', 'oauth.client.enable', `service identity ${client.client_id} of app ${change.name} enabled again`));
      }
      return;
    }
    if ((change.to === 'suspended' || change.to === 'retired') && client) {
      const reason = `app ${change.name} ${change.to}`;
      if (client.status !== 'disabled') await store.updateClient(tx, client.client_id, { status: 'disabled' }, now);
      await this.deps.revocations.revoke(tx, 'client', client.client_id, reason);
      await this.deps.revocations.revoke(tx, 'app', change.name, reason);
      await this.deps.audit.append(tx, this.clientEvent(change, client.client_id, 'update', 'oauth.client.disable', `service identity ${client.client_id} of app ${change.name} disabled and its tokens revoked (${change.to})`));
    }
  }

  private clientEvent(change: AppStatusChange, clientId: string, activity: 'create' | 'update', action: string, message: string): AuditInput {
    return {
      class: 'authentication',
      activity,
      action,
      actor: change.actor,
      resources: [
        { type: 'oauth_client', id: clientId, name: change.name },
        { type: 'app', id: change.name, name: change.name },
      ],
      outcome: 'success',
      message,
      details: { app: change.name, client_id: clientId, from: change.from, to: change.to, ...(change.reason ? { reason: change.reason } : {}) },
    };
  }

  /** The client of an app (404 for an unknown app, 409 while it has none). */
  private async clientOf(name: string) {
    await this.deps.catalog.get(name);
    const client = await store.findClientByApp(this.deps.database.db, name);
    if (!client) throw oauthErrors.error('no_service_identity', `app ${name} has no service identity yet: it gets one when it is first approved`);
    return client;
  }

  // ---- credentials -------------------------------------------------------------------------

  async listCredentials(name: string): Promise<CredentialsList> {
    const client = await this.clientOf(name);
    const now = new Date().toISOString();
    const items = (await store.listCredentials(this.deps.database.db, client.client_id)).map((r) => credentialInfo(r, now));
    return { app: name, client_id: client.client_id, client_type: client.type as CredentialsList['client_type'], client_status: client.status as CredentialsList['client_status'], items };
  }

  /** The app's owner (canonical person reference) or an admin. */
  private async requireOwner(caller: Caller, name: string): Promise<void> {
    const app = await this.deps.catalog.get(name);
    const p = caller.principal;
    if (p.role === 'admin') return;
    if (p.subject && canonicalPersonRef(p.subject) === canonicalPersonRef(app.owner)) return;
    throw oauthErrors.error('not_app_owner', `only the owner of ${name} (${app.owner}) or an admin may manage its credentials`);
  }

  async createCredential(caller: Caller, name: string, body: CreateCredential): Promise<CreatedCredential> {
    const client = await this.clientOf(name);
    await this.requireOwner(caller, name);
    const actor = actorOf(caller.principal);
    const now = new Date();
    const nowIso = now.toISOString();
    const id = 'cred_' + randomBytes(8).toString('hex');
    let row: OAuthClientCredentialRow;
    let secret: string | undefined;
    if (body.type === 'client_secret') {
      const overlap = body.overlap_seconds ?? DEFAULT_OVERLAP_SEC;
      if (!Number.isInteger(overlap) || overlap < 0 || overlap > MAX_OVERLAP_SEC) {
        throw oauthErrors.error('credential_invalid', `overlap_seconds must be a whole number from 0 to ${MAX_OVERLAP_SEC} (7 days)`, { errors: [{ path: 'overlap_seconds', message: `0 to ${MAX_OVERLAP_SEC}` }] });
      }
      const made = newClientSecret();
      secret = made.secret;
      row = { id, client_id: client.client_id, type: 'client_secret', secret_hash: made.hash, jwks: null, expires_at: null, created_at: nowIso, created_by: actor.id };
      const overlapEnd = new Date(now.getTime() + overlap * 1000).toISOString();
      const rotated = await this.deps.database.db.transaction().execute(async (tx) => {
        const ids = await store.expireOpenSecrets(tx, client.client_id, overlapEnd);
        await store.insertCredential(tx, row);
        if (client.type !== 'confidential') await store.updateClient(tx, client.client_id, { type: 'confidential' }, nowIso);
        await this.deps.audit.append(tx, this.credentialEvent(caller, name, client.client_id, id, ids.length > 0 ? 'update' : 'create', ids.length > 0 ? 'oauth.credential.rotate' : 'oauth.credential.create', { type: 'client_secret', ...(ids.length > 0 ? { replaces: ids, overlap_seconds: overlap, previous_expires_at: overlapEnd } : {}) }));
        return ids;
      });
      return { app: name, client_id: client.client_id, credential: credentialInfo(row, nowIso), client_secret: secret, ...(rotated.length > 0 ? { rotated: rotated.map((r) => ({ id: r, expires_at: overlapEnd })) } : {}) };
    }
    const checked = await checkPublicJwks(body.jwks);
    if (!checked.ok) throw oauthErrors.error('credential_invalid', `the JWKS is not acceptable: ${checked.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors: checked.errors });
    row = { id, client_id: client.client_id, type: 'private_key_jwt', secret_hash: null, jwks: JSON.stringify({ keys: checked.keys }), expires_at: null, created_at: nowIso, created_by: actor.id };
    await this.deps.database.db.transaction().execute(async (tx) => {
      await store.insertCredential(tx, row);
      if (client.type !== 'confidential') await store.updateClient(tx, client.client_id, { type: 'confidential' }, nowIso);
      await this.deps.audit.append(tx, this.credentialEvent(caller, name, client.client_id, id, 'create', 'oauth.credential.create', { type: 'private_key_jwt', kids: checked.keys.map((k) => k.kid) }));
    });
    return { app: name, client_id: client.client_id, credential: credentialInfo(row, nowIso) };
  }

  async deleteCredential(caller: Caller, name: string, id: string): Promise<void> {
    const client = await this.clientOf(name);
    await this.requireOwner(caller, name);
    await this.deps.database.db.transaction().execute(async (tx) => {
      const row = await store.deleteCredential(tx, client.client_id, id);
      if (!row) throw new AppError('not_found', `app ${name} has no credential ${id}`);
      const left = await store.listCredentials(tx, client.client_id);
      if (left.length === 0) await store.updateClient(tx, client.client_id, { type: 'public' }, new Date().toISOString());
      await this.deps.audit.append(tx, this.credentialEvent(caller, name, client.client_id, id, 'delete', 'oauth.credential.delete', { type: row.type }));
    });
  }

  private credentialEvent(caller: Caller, app: string, clientId: string, id: string, activity: 'create' | 'update' | 'delete', action: string, details: Record<string, unknown>): AuditInput {
    return {
      class: 'authentication',
      activity,
      action,
      actor: actorOf(caller.principal),
      resources: [
        { type: 'oauth_credential', id },
        { type: 'oauth_client', id: clientId, name: app },
      ],
      outcome: 'success',
      details: { app, client_id: clientId, ...details },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    };
  }

  // ---- the protocol endpoints --------------------------------------------------------------

  /** Authenticate the calling client, throttling failures per address and client id. */
  private async client(req: ProtocolRequest): Promise<AuthenticatedClient> {
    try {
      return await authenticateClient(req, { database: this.deps.database, assertionAudiences: [this.endpoint('/oauth/token'), this.issuer()] });
    } catch (err) {
      if (!(err instanceof OAuthError) || err.error !== 'invalid_client') throw err;
      const claimed = claimedClientId(req);
      // Its own keys in the shared counts: OAuth clients have their budget, people and API tokens theirs.
      const keys = [`oauth-ip:${req.srcIp}`, ...(claimed ? [`client:${claimed}`] : [])];
      const wait = this.throttle.blocked(keys);
      if (wait !== undefined) throw new OAuthError('invalid_client', `too many failed client authentications; retry in ${wait} s`, { status: 429, retryAfter: wait, reason: 'throttled' });
      this.throttle.fail(keys);
      throw err;
    }
  }

  /** Audit a refused request (aggregated), then hand the error back to be sent. */
  async refused(endpoint: string, req: ProtocolRequest, err: OAuthError, grantType?: string): Promise<void> {
    const claimed = claimedClientId(req);
    const details: Record<string, unknown> = { endpoint, error: err.error, reason: err.reason, ...(claimed ? { client_id: claimed } : {}), ...(grantType ? { grant_type: grantType.slice(0, 100) } : {}) };
    await this.refusals.record(`${endpoint}|${err.error}|${err.reason}|${req.srcIp}|${claimed ?? ''}`, {
      class: 'authentication',
      activity: 'other',
      action: `oauth.${endpoint}.refuse`,
      actor: claimed ? { type: 'service', id: claimed } : { type: 'user', id: 'anonymous' },
      ...(claimed ? { resources: [{ type: 'oauth_client', id: claimed }] } : {}),
      outcome: 'failure',
      message: `${endpoint} request refused: ${err.error}: ${err.reason}`,
      details,
      srcIp: req.srcIp,
    });
  }

  /** POST /oauth/token. Throws OAuthError; the route sends it and calls `refused`. */
  async token(req: ProtocolRequest): Promise<TokenResponse> {
    const grantType = req.params.get('grant_type');
    const client = await this.client(req);
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is missing');
    if (!(grantTypes as readonly string[]).includes(grantType)) throw new OAuthError('unsupported_grant_type', `grant_type ${grantType.slice(0, 100)} is not supported; use client_credentials or ${tokenExchangeGrant}`);
    const exchange = grantType === tokenExchangeGrant;
    if (!exchange && client.type === 'public') throw new OAuthError('unauthorized_client', 'a public client (no registered credential) may only use token exchange; register a client secret or key for client_credentials');

    // The person, under token exchange: a live Trellis credential of someone.
    let person: Principal | undefined;
    if (exchange) {
      const subjectToken = req.params.get('subject_token');
      const subjectType = req.params.get('subject_token_type');
      if (subjectToken === undefined || subjectType === undefined) throw new OAuthError('invalid_request', 'token exchange needs subject_token and subject_token_type');
      if (subjectType !== accessTokenType) throw new OAuthError('invalid_request', `subject_token_type must be ${accessTokenType}`);
      if (req.params.has('actor_token')) throw new OAuthError('invalid_request', 'actor_token is not supported: the authenticated client is the actor');
      const requested = req.params.get('requested_token_type');
      if (requested !== undefined && requested !== accessTokenType) throw new OAuthError('invalid_request', `requested_token_type must be ${accessTokenType}`);
      person = await this.deps.tokens.authenticate(subjectToken);
      if (!person) throw new OAuthError('invalid_grant', 'subject_token is not a live Trellis credential');
      if (!person.subject) throw new OAuthError('invalid_grant', 'subject_token belongs to automation, not a person (it has no subject)');
    }

    const requestedLifetime = parseLifetime(req.params.get('expires_in'));
    const app = await this.deps.catalog.get(client.app).catch(() => undefined);
    if (!app || app.approved_version === null) throw new OAuthError('invalid_grant', `app ${client.app} has no approved version`);
    const approved = await this.deps.catalog.version(client.app, app.approved_version);
    const { audiences, scopes } = narrow(grantableOf(approved.manifest), req.params.get('scope'), [...req.params.all('resource'), ...req.params.all('audience')]);

    // DPoP before policy: a broken proof is the client's mistake whatever the policy says.
    let jkt: string | undefined;
    if (req.dpop !== undefined) {
      if (Array.isArray(req.dpop)) throw new OAuthError('invalid_dpop_proof', 'exactly one DPoP header is allowed');
      const proof = await verifyDpopProof(req.dpop, { method: 'POST', url: this.endpoint('/oauth/token'), replay: this.dpopReplay });
      if ('error' in proof) throw new OAuthError('invalid_dpop_proof', `the DPoP proof is not valid: ${proof.reason}`);
      jkt = proof.jkt;
    }

    const input = {
      app: { name: app.name, status: app.status, classification: app.classification.effective, risk_tier: app.risk_tier },
      client: { id: client.clientId, type: client.type },
      grant_type: exchange ? 'token_exchange' : 'client_credentials',
      requested_lifetime_seconds: requestedLifetime ?? DEFAULT_LIFETIME_SEC,
      scopes,
      audience: audiences,
      ...(person ? { subject: { ref: person.subject, attributes: person.attributes } } : {}),
    };
    const cap = this.deps.policy.value('token', 'max_lifetime_seconds', input);
    if ('error' in cap) throw new OAuthError('invalid_grant', `the token policy could not be evaluated, so no token is issued (${cap.error.message})`);
    const policyCap = typeof cap.value === 'number' && Number.isFinite(cap.value) ? Math.floor(cap.value) : undefined;
    const lifetime = Math.min(input.requested_lifetime_seconds, policyCap ?? input.requested_lifetime_seconds, MAX_LIFETIME_SEC);
    const decision = this.deps.policy.decide('token', { ...input, requested_lifetime_seconds: lifetime });
    if (!decision.allow) throw new OAuthError('invalid_grant', decision.deny.join('; '), { reason: `policy: ${decision.deny.join('; ')}` });
    if (lifetime < 1) throw new OAuthError('invalid_grant', 'the token policy allows no lifetime');

    const iat = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.issuer(),
      sub: person ? person.subject! : client.clientId,
      aud: audiences,
      client_id: client.clientId,
      app: client.app,
      scope: scopes.join(' '),
      jti: randomUUID(),
      iat,
      exp: iat + lifetime,
      ...(person ? { act: { sub: client.clientId }, subject: person.subject! } : {}),
      ...(jkt ? { cnf: { jkt } } : {}),
    };
    const accessToken = await signAccessToken(this.deps.signingKeys, claims);
    await this.deps.audit.record({
      class: 'authentication',
      activity: 'create',
      action: 'oauth.token.issue',
      actor: person ? { type: 'service', id: client.clientId, name: client.app, subject: person.subject! } : clientActor(client),
      resources: [
        { type: 'oauth_client', id: client.clientId, name: client.app },
        { type: 'app', id: client.app, name: client.app },
        { type: 'access_token', id: claims.jti },
      ],
      outcome: 'success',
      message: `access token issued to ${client.app} (${input.grant_type}${person ? ` for ${person.subject}` : ''}, ${lifetime} s)`,
      details: {
        client_id: client.clientId,
        app: client.app,
        grant_type: input.grant_type,
        auth_method: client.method,
        ...(person ? { subject: person.subject, subject_credential: person.tokenId } : {}),
        scopes,
        audience: audiences,
        lifetime_seconds: lifetime,
        ...(requestedLifetime !== undefined ? { requested_lifetime_seconds: requestedLifetime } : {}),
        jti: claims.jti,
        token_type: jkt ? 'DPoP' : 'Bearer',
      },
      srcIp: req.srcIp,
    });
    return { access_token: accessToken, token_type: jkt ? 'DPoP' : 'Bearer', expires_in: lifetime, scope: claims.scope, ...(exchange ? { issued_token_type: accessTokenType } : {}) };
  }

  /**
   * Check a token's signature, times and the revocation feed without a DPoP proof (the
   * introspecting or revoking party is not the token's sender). A bound token passes here; its
   * binding is reported, not checked.
   */
  private async inspect(token: string): Promise<VerifiedAccessToken | undefined> {
    const r = await this.deps.verifier.verify(token, { withoutProof: true });
    return 'error' in r ? undefined : r;
  }

  /** POST /oauth/introspect (RFC 7662): a client (its own tokens only), or an admin's or auditor's API token. */
  async introspect(req: ProtocolRequest, bearer: Principal | undefined): Promise<Record<string, unknown>> {
    let client: AuthenticatedClient | undefined;
    if (!bearer) {
      client = await this.client(req);
      if (client.type === 'public') throw new OAuthError('invalid_client', 'a public client may not introspect', { reason: 'public client' });
    }
    const token = req.params.get('token');
    if (token === undefined) throw new OAuthError('invalid_request', 'token is missing');
    const found = await this.inspect(token);
    if (!found || (client && found.claims.client_id !== client.clientId)) return { active: false };
    const c = found.claims;
    return {
      active: true,
      iss: c.iss,
      sub: c.sub,
      aud: c.aud,
      client_id: c.client_id,
      app: c.app,
      scope: c.scope,
      jti: c.jti,
      iat: c.iat,
      exp: c.exp,
      token_type: c.cnf ? 'DPoP' : 'Bearer',
      ...(c.act ? { act: c.act } : {}),
      ...(c.subject ? { subject: c.subject } : {}),
      ...(c.cnf ? { cnf: c.cnf } : {}),
    };
  }

  /** POST /oauth/revoke (RFC 7009): a client revokes one of its own tokens; anything else is a silent no-op. */
  async revoke(req: ProtocolRequest): Promise<void> {
    const client = await this.client(req);
    const token = req.params.get('token');
    if (token === undefined) throw new OAuthError('invalid_request', 'token is missing');
    const hint = req.params.get('token_type_hint');
    if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token') throw new OAuthError('unsupported_token_type', `token_type_hint ${hint.slice(0, 50)} is not known`);
    const found = await this.inspect(token);
    if (!found || found.claims.client_id !== client.clientId) return;
    const jti = found.claims.jti;
    await this.deps.database.db.transaction().execute(async (tx) => {
      await this.deps.revocations.revoke(tx, 'access_token', jti, `revoked by client ${client.clientId}`);
      await this.deps.audit.append(tx, {
        class: 'authentication',
        activity: 'delete',
        action: 'oauth.token.revoke',
        actor: clientActor(client),
        resources: [
          { type: 'access_token', id: jti },
          { type: 'oauth_client', id: client.clientId, name: client.app },
        ],
        outcome: 'success',
        message: `access token ${jti} of ${client.app} revoked by its client`,
        details: { client_id: client.clientId, app: client.app, jti, ...(found.claims.subject ? { subject: found.claims.subject } : {}) },
        srcIp: req.srcIp,
      });
    });
    await this.deps.revocations.refresh();
  }

  // ---- for the gateway ---------------------------------------------------------------------

  /**
   * Verify an access token presented to a resource (the gateway), in memory. The first use of
   * each token from each client address is audited (aggregated per client and address), so
   * detection can spot a token used from a new place.
   */
  async verify(token: string, opts: { audience?: string; dpop?: { proof: string | undefined; method: string; url: string }; srcIp?: string } = {}): Promise<VerifiedAccessToken | VerifyFailure> {
    const r = await this.deps.verifier.verify(token, { ...(opts.audience !== undefined ? { audience: opts.audience } : {}), ...(opts.dpop ? { dpop: opts.dpop } : {}) });
    if ('error' in r || !opts.srcIp) return r;
    const c = r.claims;
    let seen = this.usedFrom.get(c.jti);
    if (!seen) {
      // Bounded: tokens live minutes; past the bound the oldest entries go first.
      if (this.usedFrom.size >= 100_000) for (const k of [...this.usedFrom.keys()].slice(0, 10_000)) this.usedFrom.delete(k);
      this.usedFrom.set(c.jti, (seen = new Set()));
    }
    if (!seen.has(opts.srcIp) && seen.size < 64) {
      const newAddress = seen.size > 0;
      seen.add(opts.srcIp);
      await this.firstUses.record(`${c.client_id}|${opts.srcIp}|${newAddress}`, {
        class: 'authentication',
        activity: 'other',
        action: 'oauth.token.use',
        actor: { type: 'service', id: c.client_id, name: c.app, ...(c.subject ? { subject: c.subject } : {}) },
        resources: [
          { type: 'access_token', id: c.jti },
          { type: 'oauth_client', id: c.client_id, name: c.app },
        ],
        outcome: 'success',
        message: newAddress ? `access token of ${c.app} used from another address (${opts.srcIp})` : `access token of ${c.app} first used from ${opts.srcIp}`,
        details: { client_id: c.client_id, app: c.app, jti: c.jti, new_address: newAddress, ...(opts.audience ? { audience: opts.audience } : {}) },
        srcIp: opts.srcIp,
      });
    }
    return r;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  start(): void {
    this.throttle.start();
  }

  async stop(): Promise<void> {
    await this.throttle.stop();
    await this.refusals.flush();
    await this.firstUses.flush();
  }
}

/** The non-standard `expires_in` request parameter: the lifetime the client would like, in seconds. */
function parseLifetime(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(v)) throw new OAuthError('invalid_request', 'expires_in must be a whole number of seconds from 1');
  return Number(v);
}

