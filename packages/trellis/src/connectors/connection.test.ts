/** Connector run-time settings (`spec.connection`): per-type validation with named fields, and the defaults the gateway reads. */
import { describe, expect, it } from 'vitest';
import { validateConnectorValue } from './manifest.ts';
import { connectionOf, storedCatalogOf } from './model.ts';

const fields = [{ name: 'id' }, { name: 'email', tags: ['pii.email'] }, { name: 'note', freeText: true }];
const pg = (connection: unknown, extra: Record<string, unknown> = {}) =>
  validateConnectorValue({ apiVersion: 'trellis.dev/v1', kind: 'Connector', metadata: { name: 'hr' }, spec: { type: 'postgres', owner: 'group:hr', resources: [{ name: 'employees', kind: 'table', fields, ...extra }], connection } });
const http = (connection: unknown) =>
  validateConnectorValue({ apiVersion: 'trellis.dev/v1', kind: 'Connector', metadata: { name: 'crm' }, spec: { type: 'http', owner: 'group:crm', resources: [{ name: 'contacts', path: '/contacts', methods: ['GET'], fields }], connection } });
const errors = (r: ReturnType<typeof pg>) => (r.ok ? [] : r.errors.map((e) => [e.path, e.message]));

describe('connector connection settings', () => {
  it('applies the postgres defaults and derives the key from an id field', () => {
    const r = pg({ host: 'db.internal', database: 'hr', credentials: { mode: 'dynamic', username: 'trellis_admin', secret: 'hr-db-admin' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(connectionOf(r.manifest)).toEqual({
      type: 'postgres', host: 'db.internal', port: 5432, database: 'hr', schema: 'public', tls: 'verify-full', allowPrivateHost: false,
      credentials: { mode: 'dynamic', username: 'trellis_admin', secret: 'hr-db-admin' }, lease: { ttlSeconds: 3600, maxTtlSeconds: 86_400 },
    });
    const catalog = storedCatalogOf(r.manifest);
    expect(catalog.resources[0]).toMatchObject({ key: ['id'], fields: [{ name: 'id', tags: [] }, { name: 'email', tags: ['pii.email'] }, { name: 'note', tags: [], freeText: true }] });
    expect(catalog.connection).toMatchObject({ type: 'postgres', host: 'db.internal' });
  });

  it('keeps a connector without a connection catalog-only', () => {
    const r = pg(undefined);
    expect(r.ok && connectionOf(r.manifest)).toBeUndefined();
    expect(r.ok && storedCatalogOf(r.manifest).connection).toBeUndefined();
  });

  it('names each bad postgres setting, and keys of the http type', () => {
    const r = pg({ host: 'db internal/x', port: 70000, database: 'hr', baseUrl: 'https://x', tls: 'maybe', credentials: { mode: 'static', username: 'u', secret: 'sk_live_ABCDEFGH 1' }, lease: { ttlSeconds: 600 } });
    expect(errors(r)).toEqual(expect.arrayContaining([
      ['spec.connection.baseUrl', 'is for http connectors only'],
      ['spec.connection.host', expect.stringContaining('hostname or an IP address')],
      ['spec.connection.port', expect.stringContaining('65535')],
      ['spec.connection.tls', expect.stringContaining('')],
      ['spec.connection.credentials.secret', expect.stringContaining('name of a secret')],
    ]));
    expect(errors(pg({ host: '10.0.0.5', database: 'hr', credentials: { mode: 'static', username: 'u', secret: 's' }, lease: { ttlSeconds: 600 } }))).toEqual([['spec.connection.lease', expect.stringContaining('dynamic credentials only')]]);
    expect(errors(pg({ host: 'h', database: 'hr', credentials: { mode: 'dynamic', username: 'u', secret: 's' }, lease: { ttlSeconds: 7200, maxTtlSeconds: 3600 } }))).toEqual([['spec.connection.lease.ttlSeconds', 'must not exceed maxTtlSeconds (3600)']]);
    expect(errors(pg({ host: 'h', database: 'hr', credentials: { mode: 'dynamic', username: 'u', secret: 's' } }, { key: ['nope'] }))).toEqual([['spec.resources[0].key[0]', 'names no field of the resource ("nope")']]);
  });

  it('checks http URLs, pagination and auth per type', () => {
    const ok = http({ baseUrl: 'https://api.example.com/v2', auth: { type: 'header', name: 'X-Api-Key', secret: 'crm-api-key' }, pagination: { style: 'cursor', param: 'after', responseField: 'next' } });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(connectionOf(ok.manifest)).toMatchObject({ type: 'http', timeoutMs: 10_000, maxResponseBytes: 10_485_760, allowPrivateHost: false });
    expect(errors(http({ baseUrl: 'http://api.example.com' }))).toEqual([['spec.connection.baseUrl', expect.stringContaining('http: only with allowPrivateHost')]]);
    expect(http({ baseUrl: 'http://127.0.0.1:8080', allowPrivateHost: true }).ok).toBe(true);
    expect(errors(http({ baseUrl: 'ftp://x.example' }))).toEqual([['spec.connection.baseUrl', 'must be an https: URL, not ftp:']]);
    expect(errors(http({ baseUrl: 'https://u:p@x.example' }))).toEqual([['spec.connection.baseUrl', expect.stringContaining('must not carry credentials')]]);
    expect(errors(http({ baseUrl: 'https://x.example', host: 'db', timeoutMs: 120_000 }))).toEqual([
      ['spec.connection.host', 'is for postgres connectors only'],
      ['spec.connection.timeoutMs', expect.stringContaining('60000')],
    ]);
    expect(errors(http({ baseUrl: 'https://x.example', auth: { type: 'basic', name: 'X', secret: 's' } }))).toEqual([
      ['spec.connection.auth.name', 'is not used by auth type basic'],
      ['spec.connection.auth.username', 'is required for auth type basic'],
    ]);
    expect(errors(http({ baseUrl: 'https://x.example', auth: { type: 'oauth2', secret: 's', clientId: 'c', tokenUrl: 'http://idp' } }))).toEqual([['spec.connection.auth.tokenUrl', expect.stringContaining('https:')]]);
    expect(errors(http({ baseUrl: 'https://x.example', pagination: { style: 'page' } }))).toEqual([['spec.connection.pagination.param', 'is required for pagination style page']]);
    expect(errors(http({ baseUrl: 'https://x.example', auth: { type: 'header', name: 'Host', secret: 's' } }))).toEqual([['spec.connection.auth.name', 'cannot be Host: the gateway sets it']]);
  });
});
