/** The rules that turn an IdP's claims into a Trellis identity, and the cookie policy. */
import { describe, expect, it } from 'vitest';
import { oidcSchema } from '../config.ts';
import { identityFromClaims, isSafeReturnTo, mapRole, provesMfa, SignInRefusal } from './claims.ts';
import { cookiePolicy, readCookie, setCookie } from './cookies.ts';
import { defaultConfig } from '../config.ts';

const oidc = oidcSchema.parse({ issuer: 'https://idp.example.com', clientId: 'trellis', roleMap: 'admins=admin,reviewers=reviewer,devs=builder', acrValues: 'urn:mfa' });

function refusal(f: () => unknown): SignInRefusal {
  try {
    f();
  } catch (err) {
    if (err instanceof SignInRefusal) return err;
  }
  throw new Error('not refused');
}

describe('claims to identity', () => {
  it('maps the most privileged group, else the default role, else none', () => {
    expect(mapRole(['devs', 'admins'], oidc)).toBe('admin');
    expect(mapRole(['devs'], oidc)).toBe('builder');
    expect(mapRole(['other'], oidc)).toBeUndefined();
    expect(mapRole(['other'], { ...oidc, defaultRole: 'viewer' })).toBe('viewer');
    // A group called like an Object.prototype key maps nothing.
    expect(mapRole(['constructor', 'toString'], oidc)).toBeUndefined();
  });

  it('accepts MFA by an accepted acr or one accepted amr', () => {
    expect(provesMfa({ acr: 'urn:mfa' }, oidc)).toBe(true);
    expect(provesMfa({ amr: ['pwd', 'mfa'] }, oidc)).toBe(true);
    expect(provesMfa({ acr: 'urn:pwd', amr: ['pwd'] }, oidc)).toBe(false);
    expect(provesMfa({ amr: 'mfa' }, oidc)).toBe(false);
  });

  it('builds the person, role and attributes, and refuses what it cannot trust', () => {
    const id = identityFromClaims({ acr: 'urn:mfa' }, { email: 'Ana@Example.COM', name: 'Ana', groups: ['admins'], department: 'hr', employeeType: 'contractor' }, oidc);
    expect(id).toEqual({ subject: 'user:ana@example.com', name: 'Ana', role: 'admin', attributes: { department: 'hr', employment_type: 'contractor', groups: ['admins'] } });
    expect(refusal(() => identityFromClaims({}, { groups: ['admins'] }, oidc)).reason).toBe('no_email');
    expect(refusal(() => identityFromClaims({}, { email: 'a@b.c', email_verified: false, groups: ['devs'] }, oidc)).reason).toBe('email_unverified');
    expect(refusal(() => identityFromClaims({}, { email: 'a@b.c', groups: ['nobody'] }, oidc)).reason).toBe('no_mapped_group');
    // acr/amr count only from the ID token, not from userinfo-merged claims.
    expect(refusal(() => identityFromClaims({}, { email: 'a@b.c', groups: ['reviewers'], acr: 'urn:mfa' }, oidc)).reason).toBe('mfa_required');
    expect(identityFromClaims({}, { email: 'a@b.c', groups: 'devs' }, oidc).role).toBe('builder');
  });

  it('allows only same-origin relative return_to paths', () => {
    for (const ok of ['/', '/apps', '/apps?tab=mine#top', '/a/b%2Fc']) expect(isSafeReturnTo(ok), ok).toBe(true);
    for (const bad of ['', 'apps', '//evil.example', '/\\evil.example', 'https://evil.example', '/\tevil', '/x\r\nSet-Cookie: a=b', 'javascript:alert(1)']) expect(isSafeReturnTo(bad), bad).toBe(false);
  });
});

describe('cookie policy', () => {
  it('is Secure with the __Host- prefix except in development mode on plain-http loopback', () => {
    const dev = cookiePolicy({ ...defaultConfig(), dev: true, publicUrl: '' });
    expect(dev).toEqual({ secure: false, session: 'trellis_session', login: 'trellis_login' });
    const prod = cookiePolicy({ ...defaultConfig(), dev: false, publicUrl: 'https://trellis.example.com' });
    expect(prod).toEqual({ secure: true, session: '__Host-trellis_session', login: '__Host-trellis_login' });
    // Outside development mode even loopback http gets Secure (browsers treat localhost as secure).
    expect(cookiePolicy({ ...defaultConfig(), dev: false, publicUrl: '' }).secure).toBe(true);
    expect(cookiePolicy({ ...defaultConfig(), dev: true, publicUrl: 'https://t.example.com' }).secure).toBe(true);
    expect(setCookie(prod, prod.session, 'v', 3600)).toBe('__Host-trellis_session=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure');
    expect(readCookie('a=1; __Host-trellis_session=trls_x; b=2', prod.session)).toBe('trls_x');
    expect(readCookie('trellis_session=evil', prod.session)).toBeUndefined();
  });
});
