/**
 * bench/audit — what issue 14 asks of the audit trail, each figure beside its baseline from the
 * same run:
 * - appends: chained appends (one transaction holding one event, as a state change writes it;
 *   counted only once sealed into the chain — the final seal is inside the timing) beside plain
 *   inserts of the same event row with the same search indexes (insights' included) and
 *   transaction shape, without the chain (no MAC, sequence, hashes or the sealer). Alternating
 *   rounds, medians; 1 and 8 writers. Target: chained ≥ 0.8 of plain.
 * - verification in memory on one core (ChainVerifier, no worker threads) beside raw SHA-256
 *   over the same bytes (previous hash ‖ event, already encoded). Target ≥ 500k events/s.
 * - verification from the database: the whole trail check the server runs (AuditLog.verify:
 *   chain, every row's columns and MAC, nothing left unchained) beside a plain read of the same
 *   rows through the same pages; the same check in one thread and read by worker threads over
 *   ranges (verify-ranges.ts), whichever the database uses by default; and the chain alone
 *   beside a plain read of its links. Target ≥ 200k events/s. The table is filled to
 *   --verify-db-events first.
 *
 *   npx tsx bench/audit/run.ts [--events 20000] [--rounds 9] [--verify-events 500000] [--verify-db-events 200000] [--db sqlite|postgres|both] [--skip-appends]
 *
 * PostgreSQL comes from TRELLIS_BENCH_DATABASE_URL (bench/support/databases.ts), in a scratch
 * schema dropped afterwards. Prints one JSON document.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../packages/trellis/src/db/database.ts';
import { onDatabases, openBenchDatabase } from '../support/databases.ts';
import { AuditLog } from '../../packages/trellis/src/audit/service.ts';
import { ephemeralKeyRing } from '../../packages/trellis/src/keys/index.ts';
import { canonicalJson } from '../../packages/trellis/src/canonical-json.ts';
import { toOcsf, type AuditInput } from '../../packages/trellis/src/audit/ocsf.ts';
import { hash } from 'node:crypto';
import { ChainVerifier, GENESIS_HASH, chainHash, type ChainLink } from '../../packages/trellis/src/audit/chain.ts';
import { verifyChainParallel } from '../../packages/trellis/src/audit/verify-parallel.ts';
import { availableParallelism } from 'node:os';
import { streamLinks, streamSealedRows } from '../../packages/trellis/src/audit/store.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const EVENTS = Number(arg('events', '20000'));
const DB = arg('db', 'both');
const VERIFY_EVENTS = Number(arg('verify-events', '500000'));
const ROUNDS = Number(arg('rounds', '9'));
const VERIFY_DB_EVENTS = Number(arg('verify-db-events', '200000'));
/** Only the verification figures (the appends take most of a run). */
const SKIP_APPENDS = args.includes('--skip-appends');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Events per second of `fn` (which returns how many it handled): the median of three runs. */
async function rate(fn: () => Promise<number> | number): Promise<number> {
  return (await rates(fn)).wall;
}

/**
 * Events per second of wall time and per second of this process's CPU time (all its threads),
 * medians of three runs. On one thread the second is the rate of one core however busy the
 * machine's other work keeps it.
 */
async function rates(fn: () => Promise<number> | number): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 3; r++) {
    const u0 = process.cpuUsage();
    const t0 = performance.now();
    const n = await fn();
    wall.push(n / ((performance.now() - t0) / 1000));
    const u = process.cpuUsage(u0);
    cpu.push(n / ((u.user + u.system) / 1e6));
  }
  return { wall: Math.round(median(wall)), cpu: Math.round(median(cpu)) };
}

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
  await sql`create table audit_plain (id ${sql.raw(database.dialect === 'postgres' ? 'bigserial' : 'integer')} primary key ${sql.raw(database.dialect === 'sqlite' ? 'autoincrement' : '')}, uid text not null unique, time text not null, class_uid integer not null, action text not null, actor_id text not null, resource_type text, resource_id text, app text, outcome text not null, event text not null)`.execute(database.db);
  await sql`create index audit_plain_time on audit_plain(time)`.execute(database.db);
  await sql`create index audit_plain_actor on audit_plain(actor_id, id)`.execute(database.db);
  await sql`create index audit_plain_resource on audit_plain(resource_type, resource_id, id)`.execute(database.db);
  await sql`create index audit_plain_action on audit_plain(action, id)`.execute(database.db);
  await sql`create index audit_plain_class on audit_plain(class_uid, id)`.execute(database.db);
  await sql`create index audit_plain_app on audit_plain(app, id)`.execute(database.db);
  // Insights' index on the trail (insights/migrations.ts): a search index like the others, not part of the chain.
  await sql`create index audit_plain_action_outcome_time on audit_plain(action, outcome, time)`.execute(database.db);
}

/** The same row a chained append writes, minus the lock, the head read and the hash. */
async function plainAppend(database: Database, i: number): Promise<void> {
  await database.db.transaction().execute(async (tx) => {
    const inp = input(i);
    const time = new Date();
    const uid = randomUUID();
    const event = canonicalJson(toOcsf(inp, { uid, time }));
    await sql`insert into audit_plain (uid, time, class_uid, action, actor_id, resource_type, resource_id, app, outcome, event) values (${uid}, ${time.toISOString()}, ${6003}, ${inp.action}, ${inp.actor.id}, ${'app'}, ${inp.resources![0]!.id}, ${inp.resources![0]!.id}, ${'success'}, ${event})`.execute(tx);
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
    const keys = ephemeralKeyRing();
    const audit = new AuditLog(database, keys);
    // The same trail checked in this thread only (the check before worker ranges), and read by
    // worker threads over ranges (verify-ranges.ts) whatever the database's default.
    const singleThread = new AuditLog(database, keys, { rangeVerify: false });
    const ranged = new AuditLog(database, keys, { rangeVerify: { minEvents: 1 } });
    const chained = (i: number) => database.db.transaction().execute((tx) => audit.append(tx, input(i))).then(() => undefined);
    const plain = (i: number) => plainAppend(database, i);
    // Warm up both paths (JIT, connection pool, page cache).
    await timeWriters(500, 1, plain);
    await timeWriters(500, 1, chained);
    const out: Record<string, unknown> = { database: kind, events_per_run: EVENTS };
    for (const writers of SKIP_APPENDS ? [] : [1, 8]) {
      // Alternate short rounds of the two so that drift in the machine's state (the disk's
      // fsync latency above all) hits both alike; report the median round of each.
      const plainRates: number[] = [];
      const chainRates: number[] = [];
      // This process's CPU per event too: steadier than rates when other work shares the cores.
      const cpu = { plain: 0, chained: 0 };
      const perRound = Math.max(50, Math.floor(EVENTS / ROUNDS));
      for (let r = 0; r < ROUNDS; r++) {
        let u0 = process.cpuUsage();
        plainRates.push(await timeWriters(perRound, writers, plain));
        let u = process.cpuUsage(u0);
        cpu.plain += u.user + u.system;
        // Chained: until every event is sealed into the chain, not merely committed.
        u0 = process.cpuUsage();
        const c0 = performance.now();
        await timeWriters(perRound, writers, chained);
        await audit.seal();
        chainRates.push(perRound / ((performance.now() - c0) / 1000));
        u = process.cpuUsage(u0);
        cpu.chained += u.user + u.system;
      }
      const plainRate = median(plainRates);
      const chainRate = median(chainRates);
      const ratio = chainRate / plainRate;
      const roundRatios = chainRates.map((c, r) => c / plainRates[r]!);
      out[`writers_${writers}`] = {
        rounds: ROUNDS,
        plain_inserts_per_s: Math.round(plainRate),
        chained_appends_per_s: Math.round(chainRate),
        ratio_chained_to_plain: Number(ratio.toFixed(3)),
        target_met: ratio >= 0.8,
        // Each chained round over the plain round just before it: how far the machine's noise moves the ratio.
        round_ratios: { min: Number(Math.min(...roundRatios).toFixed(3)), median: Number(median(roundRatios).toFixed(3)), max: Number(Math.max(...roundRatios).toFixed(3)) },
        cpu_us_per_event: { plain: Math.round(cpu.plain / (perRound * ROUNDS)), chained: Math.round(cpu.chained / (perRound * ROUNDS)) },
      };
    }
    // Batched appends: many events in one transaction (imports, bulk jobs).
    const batchStart = performance.now();
    for (let b = 0; b < 10; b++) await database.db.transaction().execute((tx) => audit.appendMany(tx, Array.from({ length: 1000 }, (_, i) => input(i))));
    await audit.seal();
    out.batched_appends_per_s = Math.round(10_000 / ((performance.now() - batchStart) / 1000));

    // Fill the table for the from-database figures (batches of 1,000 events, sealed).
    for (let have = Number((await audit.head()).seq); have < VERIFY_DB_EVENTS; have += 1000) {
      await database.db.transaction().execute((tx) => audit.appendMany(tx, Array.from({ length: 1000 }, (_, i) => input(have + i))));
    }
    // Sealing left a dead version of every row behind; autovacuum clears them as the trail
    // grows (audit/migrations.ts sets it to run at 2%), so the trail is read as it leaves it.
    if (kind === 'postgres') await sql`vacuum analyze audit_events`.execute(database.db);
    const inDb = Number((await audit.head()).seq);
    const count = async (rows: AsyncIterable<unknown>) => {
      let n = 0;
      for await (const _ of rows) n++;
      return n;
    };
    let verdicts = true;
    const fromDb = {
      events: inDb,
      vacuumed: kind === 'postgres',
      plain_read_rows_per_s: await rate(() => count(streamSealedRows(database.db))),
      full_trail_check_per_s: await rate(async () => {
        const r = await audit.verify();
        verdicts &&= r.ok && r.count === inDb;
        return r.count;
      }),
      full_trail_check_single_thread_per_s: await rate(async () => {
        const r = await singleThread.verify();
        verdicts &&= r.ok && r.count === inDb;
        return r.count;
      }),
      full_trail_check_worker_ranges_per_s: await rate(async () => {
        const r = await ranged.verify();
        verdicts &&= r.ok && r.count === inDb;
        return r.count;
      }),
      plain_read_links_per_s: await rate(() => count(streamLinks(database.db))),
      chain_check_per_s: await rate(async () => {
        const r = await verifyChainParallel(streamLinks(database.db));
        verdicts &&= r.ok;
        return r.count;
      }),
    };
    // In memory: the stored events repeated (re-chained) up to VERIFY_EVENTS, so the figure is not start-up bound.
    const stored: string[] = [];
    for await (const link of streamLinks(database.db)) {
      stored.push(link.event);
      if (stored.length >= 50_000) break;
    }
    const links: ChainLink[] = [];
    let prev = GENESIS_HASH;
    for (let i = 0; i < VERIFY_EVENTS; i++) {
      const event = stored[i % stored.length]!;
      const h = chainHash(prev, event);
      links.push({ seq: i + 1, event, prevHash: prev, hash: h });
      prev = h;
    }
    // The floor: SHA-256 alone over each link's bytes, encoded beforehand.
    const bytes = links.map((l) => Buffer.concat([Buffer.from(l.prevHash, 'hex'), Buffer.from(l.event, 'utf8')]));
    const sha = await rates(() => {
      for (const b of bytes) hash('sha256', b);
      return bytes.length;
    });
    const oneCore = await rates(() => {
      const v = new ChainVerifier();
      for (const l of links) v.push(l);
      verdicts &&= v.result().ok;
      return links.length;
    });
    const inMemory = {
      events: links.length,
      sha256_only_per_s: sha.wall,
      sha256_only_per_cpu_s: sha.cpu,
      chain_verify_one_core_per_s: oneCore.wall,
      chain_verify_one_core_per_cpu_s: oneCore.cpu,
      chain_verify_worker_threads_per_s: await rate(async () => {
        const r = await verifyChainParallel(links, { parallelFrom: 0, threads: availableParallelism() });
        verdicts &&= r.ok;
        return r.count;
      }),
    };
    out.verify = {
      ok: verdicts,
      threads: availableParallelism(),
      in_memory: { ...inMemory, ratio_to_sha256: Number((oneCore.cpu / sha.cpu).toFixed(3)), target_met: oneCore.wall >= 500_000, target_met_per_cpu_s: oneCore.cpu >= 500_000 },
      from_db: { ...fromDb, ratio_full_check_to_read: Number((fromDb.full_trail_check_per_s / fromDb.plain_read_rows_per_s).toFixed(3)), target_met: fromDb.full_trail_check_per_s >= 200_000 },
    };
    return out;
  } finally {
    await scratch.dispose();
  }
}

const results = await onDatabases(DB, benchOne);
process.stdout.write(JSON.stringify({ bench: 'audit', node: process.version, targets: { chained_to_plain_min: 0.8, verify_in_memory_one_core_per_s_min: 500_000, verify_from_db_per_s_min: 200_000 }, results }, null, 2) + '\n');
