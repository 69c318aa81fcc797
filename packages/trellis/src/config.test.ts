import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';

describe('configuration', () => {
  it('defaults to the embedded database on loopback port 8080', () => {
    expect(loadConfig({}, { env: {} })).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: '.trellis', databaseUrl: '', dev: true });
  });

  it('applies flags over environment over file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'trellis.config.yaml');
    writeFileSync(file, 'port: 7000\nhost: 127.0.0.2\nlogLevel: warn\n');
    const c = loadConfig({ port: '9000' }, { configFile: file, env: { TRELLIS_PORT: '8000', TRELLIS_HOST: '127.0.0.3' } });
    expect(c).toMatchObject({ port: 9000, host: '127.0.0.3', logLevel: 'warn' });
  });

  it('rejects unknown keys and bad values, naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'prot: 1\nport: 99999\n');
    try {
      loadConfig({}, { configFile: file, env: {} });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const paths = (e as AppError).errors!.map((x) => x.path + ':' + x.message).join('|');
      expect(paths).toMatch(/port/);
      expect(paths).toMatch(/prot/);
    }
  });
});

describe('configuration values an operator can get wrong', () => {
  const bad = (env: NodeJS.ProcessEnv): string => {
    try {
      loadConfig({}, { env });
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      return (e as AppError).errors!.map((x) => x.path).join(',');
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };

  it('reads booleans as exactly true|false|1|0', () => {
    expect(loadConfig({}, { env: { TRELLIS_DEV: 'false' } }).dev).toBe(false);
    expect(loadConfig({}, { env: { TRELLIS_DEV: '0' } }).dev).toBe(false);
    expect(loadConfig({}, { env: { TRELLIS_DEV: '1' } }).dev).toBe(true);
    expect(loadConfig({ dev: false }, { env: {} }).dev).toBe(false);
    for (const v of ['FALSE', 'no', 'off', 'yes', 'True', ' true', 'truee']) expect(bad({ TRELLIS_DEV: v }), v).toBe('dev');
    for (const v of ['no', 'FALSE', 'yes', 'maybe']) expect(bad({ TRELLIS_TRUST_PROXY: v }), v).toMatch(/^trustProxy/);
  });

  it('reads the proxy setting as none, a hop count or a list of addresses', () => {
    expect(loadConfig({}, { env: {} }).trustProxy).toBe(false);
    expect(loadConfig({}, { env: { TRELLIS_TRUST_PROXY: 'false' } }).trustProxy).toBe(false);
    expect(loadConfig({}, { env: { TRELLIS_TRUST_PROXY: 'true' } }).trustProxy).toBe(1);
    expect(loadConfig({}, { env: { TRELLIS_TRUST_PROXY: '2' } }).trustProxy).toBe(2);
    expect(loadConfig({}, { env: { TRELLIS_TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,::1' } }).trustProxy).toEqual(['10.0.0.0/8', '192.0.2.7', '::1']);
    for (const v of ['10.0.0.0/33', '10.0.0', 'proxy.example', '0.0.0.0/0/1', '99']) expect(bad({ TRELLIS_TRUST_PROXY: v }), v).toMatch(/^trustProxy/);
  });

  it('reads the oidc group from the config file and TRELLIS_OIDC_* (env over file), never echoing the client secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-oidc-cfg-'));
    const file = join(dir, 'trellis.config.yaml');
    writeFileSync(file, 'oidc:\n  issuer: https://login.example.com/realms/acme\n  clientId: trellis\n  roleMap:\n    platform-admins: admin\n  mfaRoles: [admin]\n');
    const c = loadConfig({}, { configFile: file, env: { TRELLIS_OIDC_CLIENT_SECRET: 's3cret-value', TRELLIS_OIDC_ROLE_MAP: 'trellis-admins=admin,hr-reviewers=reviewer', TRELLIS_OIDC_AMR_VALUES: 'mfa, hwk' } });
    expect(c.oidc).toMatchObject({
      issuer: 'https://login.example.com/realms/acme',
      clientId: 'trellis',
      clientSecret: 's3cret-value',
      scopes: 'openid email profile',
      groupsClaim: 'groups',
      roleMap: { 'trellis-admins': 'admin', 'hr-reviewers': 'reviewer' },
      mfaRoles: ['admin'],
      acrValues: [],
      amrValues: ['mfa', 'hwk'],
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
    });
    expect(loadConfig({}, { env: {} }).oidc).toMatchObject({ issuer: '', mfaRoles: ['admin', 'reviewer'], amrValues: ['mfa'] });
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({}, { env });
      } catch (e) {
        return JSON.stringify((e as AppError).errors) + (e as AppError).message;
      }
      throw new Error('accepted');
    };
    expect(problems({ TRELLIS_OIDC_ISSUER: 'http://idp.example.com', TRELLIS_OIDC_CLIENT_ID: 'x', TRELLIS_OIDC_CLIENT_SECRET: 'hidden-secret' })).toContain('oidc.issuer');
    expect(problems({ TRELLIS_OIDC_ISSUER: 'http://idp.example.com', TRELLIS_OIDC_CLIENT_SECRET: 'hidden-secret' })).not.toContain('hidden-secret');
    expect(problems({ TRELLIS_OIDC_ISSUER: 'https://idp.example.com' })).toContain('oidc.clientId');
    expect(problems({ TRELLIS_OIDC_ROLE_MAP: 'admins=root' })).toContain('oidc.roleMap');
    expect(problems({ TRELLIS_OIDC_SESSION_MAX_HOURS: '25' })).toContain('oidc.sessionMaxHours');
    expect(problems({ TRELLIS_OIDC_SCOPES: 'email profile' })).toContain('oidc.scopes');
    expect(problems({ TRELLIS_OIDC_MFA_ROLES: 'admin,god' })).toContain('oidc.mfaRoles');
    expect(problems({ TRELLIS_OIDC_AMR_VALUES: 'none' })).toContain('oidc.mfaRoles');
    expect(loadConfig({}, { env: { TRELLIS_OIDC_AMR_VALUES: 'none', TRELLIS_OIDC_MFA_ROLES: 'none' } }).oidc).toMatchObject({ amrValues: [], mfaRoles: [] });
    // Loopback http is fine: an IdP on the same machine.
    expect(loadConfig({}, { env: { TRELLIS_OIDC_ISSUER: 'http://127.0.0.1:9000/', TRELLIS_OIDC_CLIENT_ID: 'x' } }).oidc.issuer).toBe('http://127.0.0.1:9000');
  });
});
