/** What a token may say: audiences and scopes from an approved manifest, and a request's narrowing of them (never widening). */
import { describe, expect, it } from 'vitest';
import { grantableOf, narrow } from './grants-scope.ts';
import { OAuthError } from './protocol-errors.ts';

const manifest = {
  spec: {
    connectors: [
      { name: 'hr', resources: [{ name: 'employees', access: 'read' }, { name: 'leave', access: 'read-write' }] },
      { name: 'crm', resources: [{ name: 'accounts', access: 'write' }] },
    ],
  },
};

function refusal(f: () => unknown): OAuthError {
  try {
    f();
  } catch (err) {
    if (err instanceof OAuthError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('grantableOf', () => {
  it('grants one audience per connector and one scope per connector and access mode', () => {
    expect(grantableOf(manifest)).toEqual({ audiences: ['trellis:connector:crm', 'trellis:connector:hr'], scopes: ['crm:write', 'hr:read', 'hr:write'] });
  });
  it('grants nothing to a manifest without connectors', () => {
    expect(grantableOf({ spec: {} })).toEqual({ audiences: [], scopes: [] });
  });
});

describe('narrow', () => {
  const granted = grantableOf(manifest);
  it('issues everything granted when the request names nothing', () => {
    expect(narrow(granted, undefined, [])).toEqual(granted);
  });
  it('narrows scopes to the audiences asked for, and audiences to the scopes asked for', () => {
    expect(narrow(granted, undefined, ['trellis:connector:hr'])).toEqual({ audiences: ['trellis:connector:hr'], scopes: ['hr:read', 'hr:write'] });
    expect(narrow(granted, 'crm:write', [])).toEqual({ audiences: ['trellis:connector:crm'], scopes: ['crm:write'] });
    expect(narrow(granted, 'hr:read  hr:read', ['trellis:connector:hr'])).toEqual({ audiences: ['trellis:connector:hr'], scopes: ['hr:read'] });
  });
  it('refuses a scope wider than the approval, or one outside the audience asked for', () => {
    expect(refusal(() => narrow(granted, 'crm:read', []))).toMatchObject({ error: 'invalid_scope' });
    expect(refusal(() => narrow(granted, 'crm:write', ['trellis:connector:hr']))).toMatchObject({ error: 'invalid_scope' });
    expect(refusal(() => narrow(granted, ' ', []))).toMatchObject({ error: 'invalid_scope' });
  });
  it('refuses an audience the app was not approved for, and an app approved for no connector', () => {
    expect(refusal(() => narrow(granted, undefined, ['trellis:connector:payroll']))).toMatchObject({ error: 'invalid_target' });
    expect(refusal(() => narrow(grantableOf({}), undefined, []))).toMatchObject({ error: 'invalid_target' });
  });
});
