/**
 * The CLI against a real server on a loopback port: output, exit codes, offline verification.
 * Each command runs as a separate process through bin/trellis.js, as a user would run it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { trellis } from './run-cli.ts';
import type { RunningServer } from '../src/server.ts';
import { startTestServer } from './server.ts';




describe('trellis CLI', () => {
  let server: RunningServer;
  let dataDir: string;
  let env: Record<string, string>;
  const lines: string[] = [];

  beforeAll(async () => {
    const started = await startTestServer('cli');
    ({ server, dataDir, env } = started);
    lines.push(...started.lines);
  });
  afterAll(() => server.close());

  it('prints the bootstrap token once, with the URLs', () => {
    const text = lines.join('\n');
    expect(text).toContain(`ready at ${server.url}`);
    expect(text).toContain(`curl -H "Authorization: Bearer $TRELLIS_TOKEN" ${server.url}/api/v1/openapi.json`);
    expect(text.match(/trl_/g)).toHaveLength(1);
  });

  it('whoami, tokens and --output json', async () => {
    const me = await trellis(['whoami'], env);
    expect(me).toMatchObject({ code: 0 });
    expect(me.stdout).toContain('bootstrap-admin (role admin');
    const created = await trellis(['--output', 'json', 'tokens', 'create', '--name', 'ci', '--role', 'auditor'], env);
    expect(created.code).toBe(0);
    const tok = JSON.parse(created.stdout) as { id: string; token: string; role: string };
    expect(tok.role).toBe('auditor');
    const asAuditor = await trellis(['tokens', 'list'], { ...env, TRELLIS_TOKEN: tok.token });
    expect(asAuditor.code).toBe(4);
    expect(asAuditor.stderr).toContain('lacks permission tokens:manage');
    const list = await trellis(['tokens', 'list'], env);
    expect(list.stdout).toContain('ci');
    expect(list.stdout).not.toContain(tok.token);
  });

  it('exit codes scripts can trust', async () => {
    expect((await trellis(['whoami'], { ...env, TRELLIS_TOKEN: '' })).code).toBe(4);
    expect((await trellis(['whoami'], { ...env, TRELLIS_TOKEN: 'trl_0000000000000000_' + 'A'.repeat(43) })).code).toBe(4);
    expect((await trellis(['no-such-command'], env)).code).toBe(2);
    expect((await trellis(['tokens', 'revoke', 'ffffffffffffffff'], env)).code).toBe(3);
    expect((await trellis(['whoami'], { ...env, TRELLIS_SERVER: 'http://127.0.0.1:1' })).code).toBe(5);
    const help = await trellis(['audit', 'verify', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--file');
  });

  it('audit verify passes online, offline from an export and from the database file', async () => {
    const online = await trellis(['audit', 'verify'], env);
    expect(online.code).toBe(0);
    expect(online.stdout).toContain('audit chain intact');
    const file = join(dataDir, 'trail.jsonl');
    expect((await trellis(['audit', 'export', '--out', file], env)).code).toBe(0);
    const offline = await trellis(['audit', 'verify', '--file', file]);
    expect(offline.code).toBe(0);
    const db = await trellis(['--output', 'json', 'audit', 'verify', '--data-dir', dataDir]);
    expect(db.code).toBe(0);
    expect(JSON.parse(db.stdout)).toMatchObject({ ok: true });
    const tail = await trellis(['audit', 'tail', '-n', '5'], env);
    expect(tail.stdout).toContain('token.create');
    // By OCSF class (token.create is User Management, 3007) and by app (none registered here).
    const byClass = await trellis(['--output', 'json', 'audit', 'tail', '-n', '5', '--class', '3007'], env);
    const lines = byClass.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: { class_uid: number } });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.event.class_uid === 3007)).toBe(true);
    expect((await trellis(['--output', 'json', 'audit', 'tail', '--app', 'no-such-app'], env)).stdout.trim()).toBe('');
    expect((await trellis(['audit', 'tail', '--class', 'api'], env)).code).toBe(2);
  });

  it('audit verify exits 1 and names the event after the database is tampered with', async () => {
    const Sqlite = (await import('better-sqlite3')).default;
    const raw = new Sqlite(join(dataDir, 'trellis.db'));
    raw.prepare("update audit_events set event = replace(event, 'Success', 'Failure') where seq = 2").run();
    raw.close();
    const online = await trellis(['audit', 'verify'], env);
    expect(online.code).toBe(1);
    expect(online.stdout).toContain('BROKEN at event 2');
    expect((await trellis(['audit', 'verify', '--data-dir', dataDir])).code).toBe(1);
  });
});
