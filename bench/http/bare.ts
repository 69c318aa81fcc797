/**
 * The baselines bench/http compares Trellis with: a bare Fastify server, no plugins, one
 * process, serving
 * - `GET /page` — the exact bytes of Trellis' list page, from memory;
 * - `GET /sql` — the same page built by running the same SELECT through the raw driver
 *   (better-sqlite3 with a prepared statement on Trellis' own database file, or node-postgres on
 *   its schema) and joining the items the database wrote as JSON (page-sql.ts);
 * - `POST /scan` — parses the JSON body and answers Trellis' scan response bytes;
 * - `GET /healthz` — `{"status":"ok"}`.
 * Configured by environment: BARE_PORT, BARE_PAGE_FILE, BARE_SCAN_FILE, and BARE_SQLITE_FILE or
 * BARE_PG_URL + BARE_PG_SCHEMA. Prints `listening <url>` when ready.
 */
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { pageSql, type PageRow, toPage } from './page-sql.ts';

const env = process.env;
const page = readFileSync(env.BARE_PAGE_FILE!);
const scan = readFileSync(env.BARE_SCAN_FILE!);

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.get('/page', async (_req, reply) => reply.type('application/json; charset=utf-8').send(page));
app.post('/scan', async (req, reply) => {
  if (typeof (req.body as { text?: unknown }).text !== 'string') return reply.code(400).send();
  return reply.type('application/json; charset=utf-8').send(scan);
});

if (env.BARE_SQLITE_FILE) {
  const conn = new BetterSqlite3(env.BARE_SQLITE_FILE, { readonly: true });
  const stmt = conn.prepare(pageSql('sqlite'));
  app.get('/sql', async (_req, reply) => reply.type('application/json; charset=utf-8').send(toPage(stmt.all(51) as PageRow[])));
} else if (env.BARE_PG_URL) {
  const pool = new pg.Pool({ connectionString: env.BARE_PG_URL, max: 10, options: `-c search_path=${env.BARE_PG_SCHEMA}` });
  const text = pageSql('postgres');
  app.get('/sql', async (_req, reply) => {
    const r = await pool.query<PageRow>({ name: 'page', text, values: [51] });
    return reply.type('application/json; charset=utf-8').send(toPage(r.rows));
  });
}

const url = await app.listen({ host: '127.0.0.1', port: Number(env.BARE_PORT ?? 0) });
process.stdout.write(`listening ${url}\n`);
