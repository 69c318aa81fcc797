/**
 * A real `trellis serve` killed (SIGKILL) while a sink's receiver holds a batch unanswered, and
 * started again on the same database: the new process takes the sink over once the dead one's
 * lease runs out and continues from the cursor — the receiver ends with every event, and the
 * only events it got twice are those of the one batch in flight at the kill. SQLite (the same
 * data directory) and PostgreSQL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresUrl } from '../../test/databases.ts';
import { serveProcess, type ServerProcess } from '../../test/server-process.ts';
import { startOcsfReceiver, until } from './test-receiver.ts';

const batchSize = 10;


const storages = [
  { name: 'sqlite', env: async () => ({ TRELLIS_DATABASE_URL: '', TRELLIS_MASTER_KEY: '', TRELLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'siem-kill-')) }), cleanup: async (env: Record<string, string>) => rmSync(env.TRELLIS_DATA_DIR!, { recursive: true, force: true }) },
  ...(postgresUrl
    ? [
        {
          name: 'postgres',
          env: async () => {
            const schema = 't_' + randomBytes(6).toString('hex');
            const c = new pg.Client({ connectionString: postgresUrl });
            await c.connect();
            await c.query(`create schema ${schema}`);
            await c.end();
            return { TRELLIS_DATABASE_URL: `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`, TRELLIS_MASTER_KEY: '', TRELLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'siem-kill-')), SCHEMA: schema };
          },
          cleanup: async (env: Record<string, string>) => {
            const c = new pg.Client({ connectionString: postgresUrl });
            await c.connect();
            await c.query(`drop schema if exists ${env.SCHEMA!} cascade`);
            await c.end();
            rmSync(env.TRELLIS_DATA_DIR!, { recursive: true, force: true });
          },
        },
      ]
    : []),
];

for (const storage of storages) {
  describe(`a server killed mid-delivery (${storage.name})`, () => {
    const servers: ServerProcess[] = [];
    let env: Record<string, string> = {};
    afterAll(async () => {
      for (const s of servers) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
      await storage.cleanup(env);
    });

    it('resumes where it stopped: every event delivered, only the batch in flight repeated', async () => {
      env = await storage.env();
      const receiver = await startOcsfReceiver();
      // The first batch is acknowledged; the second is held, unanswered, until the server dies.
      let killed = false;
      let held: string[] = [];
      // Every event the receiver saw, held or acknowledged: a SIEM may keep what it never answered.
      const seen: string[] = [];
      receiver.behave = (events, n) => {
        seen.push(...events.map((e) => e.metadata.uid));
        if (killed || n === 0) return 'ok';
        if (held.length === 0) held = events.map((e) => e.metadata.uid);
        return 'hang';
      };
      try {
        const first = await serveProcess(env);
        servers.push(first);
        const token = first.token!;
        const api = async (server: ServerProcess, method: string, path: string, body?: unknown) => {
          const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
          return { status: res.status, body: (await res.json()) as Record<string, unknown> };
        };
        for (let i = 0; i < 30; i++) expect((await api(first, 'POST', '/api/v1/tokens', { name: `t${i}`, role: 'viewer' })).status).toBe(201);
        const created = await api(first, 'POST', '/api/v1/audit/sinks', { name: 'killed', type: 'ocsf-http', config: { url: receiver.url, allowPrivateHost: true, batchSize, timeoutMs: 120_000 }, start: 'beginning' });
        expect(created.status).toBe(201);
        const sinkId = created.body.id as string;

        await until(() => held.length > 0, 'the second batch to be held', 90_000);
        expect(receiver.acknowledged).toHaveLength(1);
        first.proc.kill('SIGKILL');
        await first.exited;
        killed = true;

        const second = await serveProcess(env);
        servers.push(second);
        for (let i = 0; i < 5; i++) expect((await api(second, 'POST', '/api/v1/tokens', { name: `after${i}`, role: 'viewer' })).status).toBe(201);
        const head = (await api(second, 'GET', '/api/v1/audit/head')).body.seq as number;
        await until(async () => ((await api(second, 'GET', `/api/v1/audit/sinks/${sinkId}`)).body.cursor as number) >= head, 'the restarted server to catch up', 90_000);

        const trail: string[] = [];
        for (let after = 0; ; ) {
          const page = (await api(second, 'GET', `/api/v1/audit/events?after=${after}&limit=1000`)).body as { items: { seq: number; event: { metadata: { uid: string } } }[] };
          if (page.items.length === 0) break;
          trail.push(...page.items.filter((r) => r.seq <= head).map((r) => r.event.metadata.uid));
          after = page.items[page.items.length - 1]!.seq;
          if (after >= head) break;
        }
        expect(trail).toHaveLength(head);
        const got = seen;
        // Nothing missing.
        for (const uid of trail) expect(got).toContain(uid);
        // Repeated: exactly the events of the batch held at the kill, once more each.
        const counts = new Map<string, number>();
        for (const u of got) counts.set(u, (counts.get(u) ?? 0) + 1);
        const repeated = [...counts].filter(([, n]) => n > 1).map(([u]) => u);
        expect(held.length).toBeLessThanOrEqual(batchSize);
        expect(repeated.sort()).toEqual([...held].sort());
        for (const u of repeated) expect(counts.get(u)).toBe(2);
        // In order of the trail (first arrivals).
        expect([...new Set(got)].slice(0, head)).toEqual(trail);
      } finally {
        await receiver.close();
      }
    }, 180_000);
  });
}
