/**
 * `trellis tokens bootstrap`: the way into an installation that has no usable admin token
 * (`serve --no-dev`, or a first start whose token was lost), run as a separate process against
 * the database directly, with and without the server running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { trellis } from './run-cli.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { loadConfig } from '../src/config.ts';
import { postgresUrl } from './databases.ts';

describe('trellis tokens bootstrap', () => {
  let server: RunningServer;
  let dataDir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'trellis-bootstrap-'));
    server = await startServer(loadConfig({ port: 0, dataDir, logLevel: 'silent', dev: false }, { env: { TRELLIS_OIDC_ISSUER: 'https://idp.example.test', TRELLIS_OIDC_CLIENT_ID: 'trellis', TRELLIS_AUDIT_SIGNING_KEY: randomBytes(32).toString('base64') } }), { out: (l) => lines.push(l) });
  });
  afterAll(() => server.close());

  it('creates a working admin token for a --no-dev server, printed once and audited as the operator', async () => {
    expect(lines.join('\n')).not.toContain('trl_');
    const run = await trellis(['tokens', 'bootstrap', '--data-dir', dataDir, '--name', 'ops-recovery']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const token = /TRELLIS_TOKEN=(trl_\S+)/.exec(run.stdout)?.[1];
    expect(token).toBeDefined();
    expect(run.stdout.match(/trl_/g)).toHaveLength(1);
    const env = { TRELLIS_SERVER: server.url, TRELLIS_TOKEN: token! };
    const me = await trellis(['whoami'], env);
    expect(me.stdout).toContain('ops-recovery (role admin');
    const tail = await trellis(['--output', 'json', 'audit', 'tail', '-n', '5', '--action', 'token.create'], env);
    const event = JSON.parse(tail.stdout.trim().split('\n').at(-1)!) as { event: { actor: { user: { uid: string; type?: string } } } };
    expect(event.event.actor.user.uid).toBe('operator');
    // The row's MAC was made with the installation's key: the offline check verifies it.
    const verify = await trellis(['--output', 'json', 'audit', 'verify', '--data-dir', dataDir]);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, macChecked: true });
  });

  it('refuses a directory that holds no Trellis database, creating nothing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'trellis-empty-'));
    const run = await trellis(['tokens', 'bootstrap', '--data-dir', empty]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`the directory ${empty} does not hold a Trellis database (no trellis.db in it)`);
    expect(run.stderr).toContain('hint: pass the data directory the server uses');
    const notOurs = mkdtempSync(join(tmpdir(), 'trellis-other-'));
    writeFileSync(join(notOurs, 'trellis.db'), '');
    const other = await trellis(['tokens', 'bootstrap', '--data-dir', notOurs]);
    expect(other.code).toBe(3);
    expect(other.stderr).toContain('does not hold a Trellis database (no api_tokens or audit_events table)');
  });

  it('shows examples in --help', async () => {
    const help = await trellis(['tokens', 'bootstrap', '--help']);
    expect(help.stdout).toContain('trellis tokens bootstrap --data-dir .trellis');
  });

  it.runIf(postgresUrl)('refuses a PostgreSQL schema that holds no Trellis database', async () => {
    const schema = `t_empty_${randomBytes(4).toString('hex')}`;
    const url = new URL(postgresUrl);
    url.searchParams.set('schema', schema);
    try {
      const run = await trellis(['tokens', 'bootstrap', '--database-url', url.toString()]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('the database at --database-url does not hold a Trellis database');
    } finally {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });
});
