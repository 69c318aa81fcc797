/**
 * From an IdP's claims to a Trellis identity: the person (`user:<email>`), the role their
 * groups map to, whether the sign-in proves the MFA that role needs, and the attributes ABAC
 * policies read. Pure functions, so every rule is tested without an IdP.
 */
import type { Role } from '../module.ts';
import { canonicalPersonRef } from '../auth/index.ts';
import { personRoles, type OidcConfig } from '../config.ts';

export type Claims = Readonly<Record<string, unknown>>;

export interface SignInIdentity {
  subject: string;
  name: string;
  role: Role;
  attributes: Record<string, unknown>;
}

/** Why a sign-in is refused (audited as the reason; never holds a token or secret). */
export type RefusalReason = 'no_email' | 'email_unverified' | 'no_mapped_group' | 'mfa_required';

export class SignInRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    readonly subject?: string,
  ) {
    super(message);
  }
}

function groupsOf(claims: Claims, claim: string): string[] {
  const v = claims[claim];
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === 'string');
  return typeof v === 'string' && v ? [v] : [];
}

/** The most privileged role any of the groups maps to (roles are listed most privileged first), else the default. */
export function mapRole(groups: readonly string[], oidc: Pick<OidcConfig, 'roleMap' | 'defaultRole'>): Role | undefined {
  const mapped = new Set(groups.flatMap((g) => (Object.hasOwn(oidc.roleMap, g) ? [oidc.roleMap[g]!] : [])));
  return personRoles.find((r) => mapped.has(r)) ?? (oidc.defaultRole || undefined);
}

/** Whether the ID token proves multi-factor sign-in: an accepted acr, or one accepted amr among its methods. */
export function provesMfa(idToken: Claims, oidc: Pick<OidcConfig, 'acrValues' | 'amrValues'>): boolean {
  const acr = idToken.acr;
  if (typeof acr === 'string' && oidc.acrValues.includes(acr)) return true;
  const amr = Array.isArray(idToken.amr) ? idToken.amr : [];
  return amr.some((m) => typeof m === 'string' && oidc.amrValues.includes(m));
}

const attributeClaims: Record<string, readonly string[]> = {
  department: ['department'],
  location: ['location', 'office_location', 'locality'],
  employment_type: ['employment_type', 'employee_type', 'employeeType'],
};

/** The attributes ABAC reads, from whichever of the usual claim names the IdP sends. */
export function attributesFromClaims(claims: Claims, groups: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [attr, names] of Object.entries(attributeClaims)) {
    const name = names.find((n) => typeof claims[n] === 'string' && claims[n] !== '');
    if (name) out[attr] = claims[name];
  }
  if (groups.length > 0) out.groups = [...groups];
  return out;
}

/**
 * The identity a sign-in yields, or a SignInRefusal. `idToken` holds what the IdP signed
 * (acr and amr are only believed from it); `claims` is the ID token with userinfo merged in.
 */
export function identityFromClaims(idToken: Claims, claims: Claims, oidc: OidcConfig): SignInIdentity {
  const email = typeof claims.email === 'string' ? claims.email.trim() : '';
  if (!email || !email.includes('@')) throw new SignInRefusal('no_email', 'the identity provider sent no e-mail address; add the email scope and claim');
  const subject = canonicalPersonRef(email);
  if (claims.email_verified === false) throw new SignInRefusal('email_unverified', 'the identity provider says this e-mail address is not verified', subject);
  const groups = groupsOf(claims, oidc.groupsClaim);
  const role = mapRole(groups, oidc);
  if (!role) throw new SignInRefusal('no_mapped_group', `none of your groups gives access to Trellis (claim ${oidc.groupsClaim}); ask an administrator to add you to a mapped group`, subject);
  if ((oidc.mfaRoles as readonly string[]).includes(role) && !provesMfa(idToken, oidc)) {
    throw new SignInRefusal('mfa_required', `the ${role} role needs multi-factor sign-in; sign in again with a second factor`, subject);
  }
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email;
  return { subject, name, role, attributes: attributesFromClaims(claims, groups) };
}

/**
 * A return_to that stays on Trellis: a relative path starting with one `/` (not `//` or `/\`,
 * which browsers read as another host), no scheme, no control characters. Anything else is
 * refused rather than rewritten, so a crafted link fails visibly.
 */
export function isSafeReturnTo(v: string): boolean {
  if (v.length > 2000 || !v.startsWith('/')) return false;
  if (v.startsWith('//') || v.startsWith('/\\')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(v)) return false;
  try {
    const u = new URL(v, 'http://trellis.invalid');
    return u.origin === 'http://trellis.invalid';
  } catch {
    return false;
  }
}
