/**
 * bench/audit — audit append throughput with the hash chain, beside plain inserts of the same
 * rows without the chain, in the same run; and chain verification speed. A chained append
 * counts only once it is sealed into the chain (the final seal is inside the timing).
 *
 *   npx tsx bench/audit/run.ts [--events 20000] [--db sqlite|postgres|both]
 *
 * PostgreSQL comes from TRELLIS_BENCH_DATABASE_URL (bench/support/databases.ts), in a scratch
 * schema dropped afterwards. Each "append" is one transaction holding one event,
 * as a state change writes it. Prints one JSON document with the figures and ratios.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../packages/trellis/src/db/database.ts';
import { onDatabases, openBenchDatabase } from '../support/databases.ts';
import { AuditLog } from '../../packages/trellis/src/audit/service.ts';
import { canonicalJson } from '../../packages/trellis/src/canonical-json.ts';
import { toOcsf, type AuditInput } from '../../packages/trellis/src/audit/ocsf.ts';
import { ChainVerifier, GENESIS_HASH, chainHash, type ChainLink } from '../../packages/trellis/src/audit/chain.ts';
import { verifyChainParallel } from '../../packages/trellis/src/audit/verify-parallel.ts';
import { availableParallelism } from 'node:os';
import { streamLinks } from '../../packages/trellis/src/audit/store.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const EVENTS = Number(arg('events', '20000'));
const DB = arg('db', 'both');
const VERIFY_EVENTS = Number(arg('verify-events', '500000'));
const ROUNDS = Number(arg('rounds', '9'));

const input = (i: number): AuditInput => ({
  class: 'api_activity',
  activity: 'update',
  action: 'app.update',
  actor: { type: 'token', id: `tok${i % 50}`, name: `builder-${i % 50}`, role: 'builder' },
  resources: [{ type: 'app', id: `app-${i % 1000}`, name: `leave-request-${i % 1000}` }],
  outcome: 'success',
  details: { version: i, fields: ['employees.email', 'employees.name'], classification: 'restricted' },
});

async function createPlainTable(database: Database): Promise<void> {
  await sql`create table audit_plain (id ${sql.raw(database.dialect === 'postgres' ? 'bigserial' : 'integer')} primary key ${sql.raw(database.dialect === 'sqlite' ? 'autoincrement' : '')}, uid text not null unique, time text not null, class_uid integer not null, action text not null, actor_id text not null, resource_type text, resource_id text, outcome text not null, event text not null)`.execute(database.db);
  await sql`create index audit_plain_time on audit_plain(time)`.execute(database.db);
  await sql`create index audit_plain_actor on audit_plain(actor_id, id)`.execute(database.db);
  await sql`create index audit_plain_resource on audit_plain(resource_type, resource_id, id)`.execute(database.db);
  await sql`create index audit_plain_action on audit_plain(action, id)`.execute(database.db);
}

/** The same row a chained append writes, minus the lock, the head read and the hash. */
async function plainAppend(database: Database, i: number): Promise<void> {
  await database.db.transaction().execute(async (tx) => {
    const inp = input(i);
    const time = new Date();
    const uid = randomUUID();
    const event = canonicalJson(toOcsf(inp, { uid, time }));
    await sql`insert into audit_plain (uid, time, class_uid, action, actor_id, resource_type, resource_id, outcome, event) values (${uid}, ${time.toISOString()}, ${6003}, ${inp.action}, ${inp.actor.id}, ${'app'}, ${inp.resources![0]!.id}, ${'success'}, ${event})`.execute(tx);
  });
}

async function timeWriters(n: number, writers: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        await fn(i);
      }
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

async function benchOne(kind: 'sqlite' | 'postgres'): Promise<Record<string, unknown>> {
  const scratch = await openBenchDatabase(kind, 'audit');
  const database = scratch.database;
  try {
    await createPlainTable(database);
    const audit = new AuditLog(database);
    const chained = (i: number) => database.db.transaction().execute((tx) => audit.append(tx, input(i))).then(() => undefined);
    const plain = (i: number) => plainAppend(database, i);
    // Warm up both paths (JIT, connection pool, page cache).
    await timeWriters(500, 1, plain);
    await timeWriters(500, 1, chained);
    const out: Record<string, unknown> = { database: kind, events_per_run: EVENTS };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const writers of [1, 8]) {
      // Alternate short rounds of the two so that drift in the machine's state (the disk's
      // fsync latency above all) hits both alike; report the median round of each.
      const plainRates: number[] = [];
      const chainRates: number[] = [];
      const perRound = Math.max(50, Math.floor(EVENTS / ROUNDS));
      for (let r = 0; r < ROUNDS; r++) {
        plainRates.push(await timeWriters(perRound, writers, plain));
        // Chained: until every event is sealed into the chain, not merely committed.
        const c0 = performance.now();
        await timeWriters(perRound, writers, chained);
        await audit.seal();
        chainRates.push(perRound / ((performance.now() - c0) / 1000));
      }
      const plainRate = median(plainRates);
      const chainRate = median(chainRates);
      out[`writers_${writers}`] = {
        rounds: ROUNDS,
        plain_inserts_per_s: Math.round(plainRate),
        chained_appends_per_s: Math.round(chainRate),
        ratio_chained_to_plain: Number((chainRate / plainRate).toFixed(3)),
        chain_cost_pct: Number(((1 - chainRate / plainRate) * 100).toFixed(1)),
      };
    }
    // Batched appends: many events in one transaction (imports, bulk jobs).
    const batchStart = performance.now();
    for (let b = 0; b < 10; b++) await database.db.transaction().execute((tx) => audit.appendMany(tx, Array.from({ length: 1000 }, (_, i) => input(i))));
    await audit.seal();
    out.batched_appends_per_s = Math.round(10_000 / ((performance.now() - batchStart) / 1000));

    const v0 = performance.now();
    const result = await verifyChainParallel(streamLinks(database.db, { pageSize: 20_000 }), { parallelFrom: 0 });
    const secs = (performance.now() - v0) / 1000;
    // The whole trail check the server runs: chain, every row's columns and MAC, nothing unchained.
    const f0 = performance.now();
    const full = await audit.verify();
    const fullSecs = (performance.now() - f0) / 1000;
    // Hashing alone, on links already in memory: the CPU cost of verification. The stored
    // events are repeated (re-chained) up to VERIFY_EVENTS so the figure is not start-up bound.
    const stored: string[] = [];
    for await (const link of streamLinks(database.db, { pageSize: 10_000 })) stored.push(link.event);
    const links: ChainLink[] = [];
    let prev = GENESIS_HASH;
    for (let i = 0; i < VERIFY_EVENTS; i++) {
      const event = stored[i % stored.length]!;
      const hash = chainHash(prev, event);
      links.push({ seq: i + 1, event, prevHash: prev, hash });
      prev = hash;
    }
    const h0 = performance.now();
    const v2 = new ChainVerifier();
    for (const l of links) v2.push(l);
    const hashSecs = (performance.now() - h0) / 1000;
    const p0 = performance.now();
    const parallel = await verifyChainParallel(links, { parallelFrom: 0 });
    const parSecs = (performance.now() - p0) / 1000;
    out.verify = {
      ok: result.ok && full.ok && v2.result().ok && parallel.ok,
      events_in_db: result.count,
      events_in_memory: links.length,
      events_per_s_from_db_parallel: Math.round(result.count / secs),
      events_per_s_full_trail_check: Math.round(full.count / fullSecs),
      events_per_s_in_memory_one_thread: Math.round(links.length / hashSecs),
      events_per_s_in_memory_parallel: Math.round(links.length / parSecs),
      threads: availableParallelism(),
    };
    return out;
  } finally {
    await scratch.dispose();
  }
}

const results = await onDatabases(DB, benchOne);
process.stdout.write(JSON.stringify({ bench: 'audit', node: process.version, targets: { chain_cost_pct_max: 20, verify_events_per_s_min: 500_000 }, results }, null, 2) + '\n');
