/**
 * bench/ledger — what signed checkpoints cost, each beside its baseline from the same run:
 * - the first checkpoint over a trail of --events events (tree nodes built from nothing) and an
 *   incremental one after 1,000 more, beside reading the chain hashes they cover;
 * - inclusion and consistency proofs (server side, then checked with the public key alone),
 *   p50/p99 over --proofs requests;
 * - the whole verification with the checkpoint check (`AuditLedger.verify`) beside the trail
 *   check alone (`AuditLog.verify`), and the tree built over in-memory chain hashes on one core
 *   beside SHA-256 alone over the same 33-byte leaves.
 *
 *   npx tsx bench/ledger/run.ts [--events 100000] [--proofs 300] [--db sqlite|postgres|both]
 *
 * Prints one JSON document.
 */
import { hash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { onDatabases, openBenchDatabase } from '../support/databases.ts';
import { AuditLog } from '../../packages/trellis/src/audit/service.ts';
import { AuditLedger } from '../../packages/trellis/src/audit/ledger/service.ts';
import { TreeBuilder } from '../../packages/trellis/src/audit/ledger/merkle.ts';
import { noteSigner, parseVkey } from '../../packages/trellis/src/audit/ledger/signed-note.ts';
import { verifyConsistencyDocument, verifyInclusionDocument } from '../../packages/trellis/src/audit/ledger/proof-verify.ts';
import { keyRingFrom } from '../../packages/trellis/src/keys/index.ts';
import type { AuditInput } from '../../packages/trellis/src/audit/ocsf.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const EVENTS = Number(arg('events', '100000'));
const PROOFS = Number(arg('proofs', '300'));
const DB = arg('db', 'both');

const input = (i: number): AuditInput => ({
  class: 'api_activity',
  activity: 'update',
  action: 'app.update',
  actor: { type: 'token', id: `tok${i % 50}`, name: `builder-${i % 50}`, role: 'builder' },
  resources: [{ type: 'app', id: `app-${i % 1000}` }],
  outcome: 'success',
  details: { version: i },
});

const ms = (t0: number) => Number((performance.now() - t0).toFixed(1));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function benchOne(kind: 'sqlite' | 'postgres'): Promise<Record<string, unknown>> {
  const scratch = await openBenchDatabase(kind, 'ledger');
  const database = scratch.database;
  const audit = new AuditLog(database, keyRingFrom(randomBytes(32)));
  try {
    const ledger = new AuditLedger(database, audit, noteSigner('bench.test/audit', randomBytes(32)), { everyEvents: 1_000_000_000, everySeconds: 86_400, witnesses: [] });
    const fill = async (from: number, n: number) => {
      for (let i = 0; i < n; i += 1000) await database.db.transaction().execute((tx) => audit.appendMany(tx, Array.from({ length: Math.min(1000, n - i) }, (_, j) => input(from + i + j))));
      await audit.head();
    };
    await fill(0, EVENTS);
    const r0 = performance.now();
    const hashes = await sql<{ hash: string }>`select hash from audit_events where seq is not null order by seq`.execute(database.db);
    const readMs = ms(r0);
    const c0 = performance.now();
    await ledger.checkpoint({ force: true });
    const firstMs = ms(c0);
    await fill(EVENTS, 1000);
    const c1 = performance.now();
    await ledger.checkpoint({ force: true });
    const incrementalMs = ms(c1);
    const size = EVENTS + 1000;

    const v = parseVkey(ledger.vkey);
    const inclusion: number[] = [];
    const check: number[] = [];
    for (let i = 0; i < PROOFS; i++) {
      const seq = 1 + Math.floor(Math.random() * size);
      const t = performance.now();
      const doc = await ledger.inclusion(seq, size);
      inclusion.push(performance.now() - t);
      const t2 = performance.now();
      if (!verifyInclusionDocument(doc, v).ok) throw new Error(`inclusion proof of ${seq} failed`);
      check.push(performance.now() - t2);
    }
    const consistency: number[] = [];
    for (let i = 0; i < Math.min(PROOFS, 50); i++) {
      const t = performance.now();
      const doc = await ledger.consistency(EVENTS, size);
      consistency.push(performance.now() - t);
      if (!verifyConsistencyDocument(doc, v).ok) throw new Error('consistency proof failed');
    }

    const t0 = performance.now();
    const trail = await audit.verify();
    const trailMs = ms(t0);
    const t1 = performance.now();
    const whole = await ledger.verify();
    const wholeMs = ms(t1);
    if (!trail.ok || !whole.ok || whole.ledger?.anchoredSize !== size) throw new Error('verification failed');

    // The tree alone, in memory, one core: per leaf beside SHA-256 of the same 33 bytes.
    const leaves = hashes.rows.map((r) => Buffer.from(r.hash, 'hex'));
    const b0 = performance.now();
    const tb = new TreeBuilder();
    for (const l of leaves) tb.pushLeafHash(l);
    tb.root();
    const treeMs = performance.now() - b0;
    const buf = Buffer.alloc(33);
    const s0 = performance.now();
    for (const l of leaves) {
      l.copy(buf, 1);
      hash('sha256', buf, 'buffer');
    }
    const shaMs = performance.now() - s0;

    return {
      database: kind,
      events: size,
      checkpoint: { first_ms: firstMs, first_events: EVENTS, incremental_ms: incrementalMs, incremental_events: 1000, baseline_read_chain_hashes_ms: readMs },
      inclusion_proof_ms: { p50: Number(pct(inclusion, 50).toFixed(2)), p99: Number(pct(inclusion, 99).toFixed(2)), check_with_public_key_p50: Number(pct(check, 50).toFixed(3)) },
      consistency_proof_ms: { p50: Number(pct(consistency, 50).toFixed(2)), p99: Number(pct(consistency, 99).toFixed(2)) },
      verify: {
        with_checkpoints_ms: wholeMs,
        trail_only_ms: trailMs,
        ratio: Number((trailMs / wholeMs).toFixed(3)),
        with_checkpoints_events_per_s: Math.round(size / (wholeMs / 1000)),
      },
      tree_in_memory: { leaves_per_s: Math.round(leaves.length / (treeMs / 1000)), sha256_of_leaf_alone_per_s: Math.round(leaves.length / (shaMs / 1000)), ratio: Number((shaMs / treeMs).toFixed(3)) },
    };
  } finally {
    await audit.stop();
    await scratch.dispose();
  }
}

const results = await onDatabases(DB, benchOne);
process.stdout.write(JSON.stringify({ bench: 'ledger', node: process.version, results }, null, 2) + '\n');
