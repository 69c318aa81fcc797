/**
 * The golden path's first half as a new user replays it from examples/leave-requests/ with the
 * real `trellis` binary against a real server, on SQLite and (when configured) PostgreSQL:
 * `connectors apply`, `apps register` (which prints the decision, tier, score and messages),
 * `reviews list`, the owner refused, `reviews approve` by another reviewer.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestServer, type TestServer } from './server.ts';
import { trellis } from './run-cli.ts';
import { postgresUrl } from './databases.ts';

const example = (file: string) => fileURLToPath(new URL(`../../../examples/leave-requests/${file}`, import.meta.url));

const backends: { name: string; url?: () => string; schema?: string }[] = [{ name: 'sqlite' }];
if (postgresUrl) {
  const schema = 'g_' + randomBytes(6).toString('hex');
  backends.push({ name: 'postgres', schema, url: () => `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}` });
}

for (const backend of backends) {
  describe(`golden path through the CLI on ${backend.name}`, () => {
    let s: TestServer;
    const as = (token: string) => ({ TRELLIS_SERVER: s.server.url, TRELLIS_TOKEN: token });
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      s = await startTestServer('golden-cli', backend.url ? { databaseUrl: backend.url() } : {});
      for (const [name, role, subject] of [
        ['ana', 'builder', 'user:ana.hr@example.com'],
        ['ana-review', 'reviewer', 'user:ana.hr@example.com'],
        ['rick', 'reviewer', 'user:rick.sec@example.com'],
      ] as const) {
        const r = await trellis(['--output', 'json', 'tokens', 'create', '--name', name, '--role', role, '--subject', subject], s.env);
        expect(r.code, r.stderr).toBe(0);
        tokens[name] = (JSON.parse(r.stdout) as { token: string }).token;
      }
    });
    afterAll(async () => {
      await s.server.close();
      if (backend.schema) {
        const c = new pg.Client({ connectionString: postgresUrl });
        await c.connect();
        await c.query(`drop schema if exists ${backend.schema} cascade`);
        await c.end();
      }
    });

    it('applies the HR connector, registers the app and prints the decision', async () => {
      const applied = await trellis(['connectors', 'apply', '-f', example('hr-connector.yaml')], s.env);
      expect(applied.code, applied.stderr).toBe(0);
      const r = await trellis(['apps', 'register', '-f', example('trellis.yaml')], as(tokens.ana!));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('leave-requests version 1: queued for review');
      expect(r.stdout).toMatch(/restricted, risk medium \d+\/100/);
      expect(r.stdout).toMatch(/warn: export to slack #hr-leave/);
    });

    it('lists the queue, refuses the owner, and lets another reviewer approve', async () => {
      const list = await trellis(['reviews', 'list'], as(tokens.rick!));
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('leave-requests');
      const own = await trellis(['reviews', 'approve', 'leave-requests', '--checklist', 'all'], as(tokens['ana-review']!));
      expect(own.code).not.toBe(0);
      expect(own.stderr).toContain('you own leave-requests');
      const ok = await trellis(['reviews', 'approve', 'leave-requests', '--checklist', 'all', '--comment', 'fine for HR managers'], as(tokens.rick!));
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('approved');
      const show = await trellis(['apps', 'show', 'leave-requests'], as(tokens.rick!));
      expect(show.stdout).toContain('version 1 is in force');
      expect(show.stdout).toContain('hr.employees.email');
    });
  });
}
