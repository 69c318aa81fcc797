/**
 * Client authentication at the OAuth endpoints (RFC 6749 §2.3, RFC 7523, OpenID Connect Core
 * §9 method names): `client_secret_basic`, `client_secret_post`, `private_key_jwt`, or `none`
 * for a public client (one without any credential, which may only exchange a person's token).
 *
 * Every failure is `invalid_client` with one wording whether the client is unknown or its
 * secret wrong; the real reason goes to the audit trail only. A client assertion's jti is
 * recorded in the database (a unique row), so a replayed assertion is refused on every replica.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK } from 'jose';
import type { Database } from '../db/database.ts';
import type { FormParams } from './form.ts';
import { assertionAlgs, clientSecretMatches } from './client-credentials.ts';
import { OAuthError } from './protocol-errors.ts';
import * as store from './store.ts';

export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const clientAuthMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type ClientAuthMethod = (typeof clientAuthMethods)[number];

/** Longest an assertion may live from now (beyond the clock tolerance). */
const MAX_ASSERTION_LIFETIME_SEC = 300;
const CLOCK_TOLERANCE_SEC = 30;

export interface AuthenticatedClient {
  clientId: string;
  app: string;
  type: 'public' | 'confidential';
  method: ClientAuthMethod;
}

export interface ClientAuthRequest {
  authorization: string | undefined;
  params: FormParams;
}

const failed = (reason: string) => new OAuthError('invalid_client', 'client authentication failed', { reason });

/** The client id a request claims to be, before any check (for throttling and the audit trail). */
export function claimedClientId(req: ClientAuthRequest): string | undefined {
  try {
    const basic = basicCredentials(req.authorization);
    if (basic) return basic.id.slice(0, 128);
    const id = req.params.get('client_id');
    if (id) return id.slice(0, 128);
    const assertion = req.params.get('client_assertion');
    if (assertion) {
      const iss = decodeJwt(assertion).iss;
      return typeof iss === 'string' ? iss.slice(0, 128) : undefined;
    }
  } catch {
    // Malformed: nothing to name.
  }
  return undefined;
}

/** `Basic base64(urlencode(id):urlencode(secret))`, or undefined without a Basic header. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!header || !/^Basic\s/i.test(header)) return undefined;
  if (!m) throw failed('malformed Basic credentials');
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) throw failed('malformed Basic credentials');
  try {
    return { id: decodeURIComponent(text.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(text.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    throw failed('malformed Basic credentials');
  }
}

export interface ClientAuthContext {
  database: Database;
  /** Audiences a client assertion may name: the token endpoint's URL and the issuer. */
  assertionAudiences: string[];
}

export async function authenticateClient(req: ClientAuthRequest, ctx: ClientAuthContext): Promise<AuthenticatedClient> {
  const basic = basicCredentials(req.authorization);
  const postedSecret = req.params.get('client_secret');
  const assertion = req.params.get('client_assertion');
  const assertionType = req.params.get('client_assertion_type');
  const postedId = req.params.get('client_id');
  const methods = [basic, postedSecret, assertion].filter((x) => x !== undefined).length;
  if (methods > 1) throw new OAuthError('invalid_request', 'use exactly one client authentication method');
  if (basic && postedId !== undefined && postedId !== basic.id) throw new OAuthError('invalid_request', 'client_id differs from the authenticated client');

  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType !== jwtBearerAssertionType) throw new OAuthError('invalid_request', `client_assertion_type must be ${jwtBearerAssertionType}`);
    if (assertion === undefined) throw new OAuthError('invalid_request', 'client_assertion is missing');
    return assertionClient(assertion, postedId, ctx);
  }

  const id = basic?.id ?? postedId;
  if (id === undefined) throw new OAuthError('invalid_client', 'client authentication is required', { reason: 'no client credentials' });
  const client = await store.findClient(ctx.database.db, id);
  if (!client) throw failed('unknown client');
  const creds = await store.listCredentials(ctx.database.db, id);
  const now = new Date().toISOString();
  const secrets = creds.filter((c) => c.type === 'client_secret' && c.secret_hash && (c.expires_at === null || c.expires_at > now));
  const secret = basic?.secret ?? postedSecret;
  if (secret === undefined) {
    // Only a client with no credential at all is public.
    if (creds.length > 0) throw failed('confidential client presented no credential');
    return checked({ clientId: id, app: client.app_name, type: 'public', method: 'none' }, client.status);
  }
  // Every live secret is compared (constant time each), so timing does not say which matched.
  let ok = false;
  for (const s of secrets) ok = clientSecretMatches(secret, s.secret_hash!) || ok;
  if (!ok) {
    const expired = creds.some((c) => c.type === 'client_secret' && c.expires_at !== null && c.expires_at <= now && c.secret_hash && clientSecretMatches(secret, c.secret_hash));
    throw failed(expired ? 'rotated secret past its overlap' : 'wrong client secret');
  }
  return checked({ clientId: id, app: client.app_name, type: 'confidential', method: basic ? 'client_secret_basic' : 'client_secret_post' }, client.status);
}

function checked(c: AuthenticatedClient, status: string): AuthenticatedClient {
  if (status !== 'active') throw new OAuthError('invalid_client', 'the client is disabled (its app is suspended or retired)', { reason: 'client disabled' });
  return c;
}

async function assertionClient(assertion: string, postedId: string | undefined, ctx: ClientAuthContext): Promise<AuthenticatedClient> {
  let claimed: string | undefined;
  try {
    const p = decodeJwt(assertion);
    claimed = typeof p.iss === 'string' ? p.iss : undefined;
  } catch {
    throw failed('malformed client assertion');
  }
  if (!claimed) throw failed('client assertion without iss');
  if (postedId !== undefined && postedId !== claimed) throw new OAuthError('invalid_request', 'client_id differs from the client assertion');
  const client = await store.findClient(ctx.database.db, claimed);
  if (!client) throw failed('unknown client');
  const keys: JWK[] = [];
  for (const c of await store.listCredentials(ctx.database.db, claimed)) if (c.type === 'private_key_jwt' && c.jwks) keys.push(...(JSON.parse(c.jwks) as { keys: JWK[] }).keys);
  if (keys.length === 0) throw failed('client has no registered keys');
  let payload: { exp?: number; jti?: string };
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet({ keys }), {
      algorithms: [...assertionAlgs],
      issuer: claimed,
      subject: claimed,
      audience: ctx.assertionAudiences,
      clockTolerance: CLOCK_TOLERANCE_SEC,
      requiredClaims: ['exp', 'jti', 'aud', 'sub', 'iss'],
    }));
  } catch (err) {
    const name = err instanceof Error ? ((err as { code?: string }).code ?? err.name) : 'error';
    throw failed(`client assertion refused (${name}${err instanceof Error && 'claim' in err ? `: ${String((err as { claim: unknown }).claim)}` : ''})`);
  }
  const now = Math.floor(Date.now() / 1000);
  if (payload.exp! > now + MAX_ASSERTION_LIFETIME_SEC + CLOCK_TOLERANCE_SEC) throw failed('client assertion expires more than 5 minutes ahead');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) throw failed('client assertion jti missing or too long');
  await store.pruneAssertionJtis(ctx.database.db, Date.now() - CLOCK_TOLERANCE_SEC * 1000);
  if (!(await store.useAssertionJti(ctx.database.db, claimed, payload.jti, (payload.exp! + CLOCK_TOLERANCE_SEC) * 1000))) throw failed('client assertion jti replayed');
  return checked({ clientId: claimed, app: client.app_name, type: 'confidential', method: 'private_key_jwt' }, client.status);
}
