/**
 * The ledger on both databases: checkpoints signed when due, proofs that a verifier holding
 * only the public key accepts, and the three attacks signed checkpoints exist for — a cut tail,
 * a rewritten history (with a recomputed chain and MACs), a fork (history rewritten and
 * re-signed with the key itself) — each found online and offline with the reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { testDatabases } from '../../../test/databases.ts';
import type { Database } from '../../db/database.ts';
import { keyRingFrom } from '../../keys/index.ts';
import { chainHash, GENESIS_HASH } from '../chain.ts';
import { rowMac } from '../integrity.ts';
import { AuditLedger, type LedgerOptions } from './service.ts';
import { CheckpointChecker, readCheckpointFile } from './verify.ts';
import { leafHash, rootOfLeafHashes, verifyConsistency } from './merkle.ts';
import type { AuditInput } from '../ocsf.ts';
import { verifyConsistencyDocument, verifyInclusionDocument } from './proof-verify.ts';
import { AuditLog } from '../service.ts';
import { noteSigner, openCheckpoint, parseVkey } from './signed-note.ts';
import { verifyDatabase, verifyExportFile } from '../verify-offline.ts';

const input = (i: number): AuditInput => ({
  class: 'api_activity',
  activity: 'update',
  action: 'app.update',
  actor: { type: 'service', id: 'svc-builder' },
  resources: [{ type: 'app', id: `app-${i % 7}` }],
  outcome: 'success',
  details: { i },
});

const tmp = () => mkdtempSync(join(tmpdir(), 'ledger-'));

for (const tdb of testDatabases) {
  describe(`audit ledger (${tdb.name})`, () => {
    const open: { database: Database; audit: AuditLog; ledger: AuditLedger }[] = [];
    afterEach(async () => {
      for (const o of open.splice(0)) {
        await o.ledger.stop();
        await o.audit.stop();
        await o.database.close();
      }
    });

    const keys = keyRingFrom(randomBytes(32));
    const seed = randomBytes(32);

    async function setup(opts: Partial<LedgerOptions> = {}, signingSeed = seed) {
      const database = await tdb.open();
      const audit = new AuditLog(database, keys);
      const ledger = new AuditLedger(database, audit, noteSigner('trellis.test/audit', signingSeed), { everyEvents: 100, everySeconds: 3600, witnesses: [], ...opts });
      const o = { database, audit, ledger };
      open.push(o);
      return o;
    }

    async function append(audit: AuditLog, database: Database, from: number, n: number) {
      for (let i = 0; i < n; i += 200) await database.db.transaction().execute((tx) => audit.appendMany(tx, Array.from({ length: Math.min(200, n - i) }, (_, j) => input(from + i + j))));
      await audit.head();
    }

    async function exportTo(ledger: AuditLedger): Promise<string> {
      const file = join(tmp(), 'trail.jsonl');
      const lines: string[] = [];
      for await (const rec of ledger.exportLines()) lines.push(JSON.stringify(rec));
      writeFileSync(file, lines.join('\n') + '\n');
      return file;
    }

    async function chainHashes(database: Database): Promise<string[]> {
      const r = await sql<{ hash: string }>`select hash from audit_events where seq is not null order by seq`.execute(database.db);
      return r.rows.map((x) => x.hash);
    }

    it('signs a checkpoint when enough events are sealed, over exactly the tree an outsider computes', async () => {
      const { database, audit, ledger } = await setup();
      await append(audit, database, 0, 99);
      expect(await ledger.checkpoint()).toBeUndefined();
      await append(audit, database, 99, 501);
      const cp = await ledger.checkpoint();
      expect(cp?.tree_size).toBe(600);
      const opened = openCheckpoint(cp!.note, parseVkey(ledger.vkey));
      const outside = rootOfLeafHashes((await chainHashes(database)).map((h) => leafHash(Buffer.from(h, 'hex'))));
      expect(opened.root.equals(outside)).toBe(true);
      expect(cp!.root_hash).toBe(outside.toString('hex'));
      // Two complete 256-leaf subtrees are stored for proofs.
      const nodes = await sql<{ n: number }>`select count(*) as n from audit_tree_nodes where level = 8`.execute(database.db);
      expect(Number(nodes.rows[0]!.n)).toBe(2);
      // Not due again until 100 more events, or forced.
      await append(audit, database, 600, 10);
      expect(await ledger.checkpoint()).toBeUndefined();
      expect((await ledger.checkpoint({ force: true }))?.tree_size).toBe(610);
      expect(await ledger.checkpoint({ force: true })).toBeUndefined();
      // A second checkpoint of one size cannot be stored.
      await expect(sql`insert into audit_checkpoints (tree_size, root_hash, note, signer, created_at) values (610, ${'00'.repeat(32)}, 'x', 'y', 'z')`.execute(database.db)).rejects.toThrow();
    });

    it('signs on time when fewer events came', async () => {
      const { database, audit, ledger } = await setup({ everyEvents: 1000, everySeconds: 0.05 });
      await append(audit, database, 0, 3);
      await new Promise((r) => setTimeout(r, 80));
      expect((await ledger.checkpoint())?.tree_size).toBe(3);
    });

    it('gives inclusion and consistency proofs a verifier with only the public key accepts', async () => {
      const { database, audit, ledger } = await setup();
      await append(audit, database, 0, 600);
      await ledger.checkpoint();
      await append(audit, database, 600, 77);
      await ledger.checkpoint({ force: true });
      const v = parseVkey(ledger.vkey);
      for (const seq of [1, 2, 255, 256, 257, 512, 600, 601, 677]) {
        const doc = await ledger.inclusion(seq);
        expect(doc.tree_size).toBe(seq <= 600 ? 600 : 677);
        expect(verifyInclusionDocument(doc, v)).toMatchObject({ ok: true });
        // Against the newer checkpoint too.
        expect(verifyInclusionDocument(await ledger.inclusion(seq, 677), v)).toMatchObject({ ok: true });
        // A changed event, or another key, fails.
        const changed = structuredClone(doc);
        (changed.record.event as { message: string }).message = 'something else';
        expect(verifyInclusionDocument(changed, v)).toMatchObject({ ok: false, message: expect.stringContaining('changed') });
        expect(verifyInclusionDocument(doc, parseVkey(noteSigner('trellis.test/audit', randomBytes(32)).vkey)).ok).toBe(false);
      }
      const cons = await ledger.consistency(600);
      expect(cons).toMatchObject({ from_size: 600, to_size: 677 });
      expect(verifyConsistencyDocument(cons, v)).toMatchObject({ ok: true });
      expect(verifyConsistencyDocument({ ...cons, proof: cons.proof.slice(1) }, v).ok).toBe(false);
    });

    it('refuses proofs for ranges that do not exist, naming the field', async () => {
      const { database, audit, ledger } = await setup();
      await append(audit, database, 0, 120);
      await expect(ledger.inclusion(5)).rejects.toMatchObject({ code: 'not_found', errors: [{ path: 'seq' }] });
      await ledger.checkpoint();
      await append(audit, database, 120, 5);
      await expect(ledger.inclusion(121)).rejects.toMatchObject({ code: 'not_found', errors: [{ path: 'seq' }] });
      await expect(ledger.inclusion(5, 99)).rejects.toMatchObject({ code: 'not_found', errors: [{ path: 'tree_size' }] });
      await expect(ledger.inclusion(121, 120)).rejects.toMatchObject({ code: 'validation_failed', errors: [{ path: 'seq' }] });
      await expect(ledger.consistency(7)).rejects.toMatchObject({ code: 'not_found', errors: [{ path: 'from' }] });
      await expect(ledger.consistency(120, 300)).rejects.toMatchObject({ code: 'not_found', errors: [{ path: 'to' }] });
      await expect(ledger.get(3)).rejects.toMatchObject({ code: 'not_found' });
    });

    it('verifies an intact trail online, from the database and from an export with the key', async () => {
      const { database, audit, ledger } = await setup();
      await append(audit, database, 0, 300);
      await ledger.checkpoint();
      await append(audit, database, 300, 20);
      const online = await ledger.verify();
      expect(online).toMatchObject({ ok: true, ledger: { ok: true, checkpoints: 1, anchoredSize: 300, unanchored: 20, signaturesChecked: true } });
      const file = await exportTo(ledger);
      expect(await verifyExportFile(file, { verifier: parseVkey(ledger.vkey) })).toMatchObject({ ok: true, count: 320, ledger: { ok: true, anchoredSize: 300 } });
      if (database.sqliteFile) expect(await verifyDatabase({ sqliteFile: database.sqliteFile, verifier: parseVkey(ledger.vkey) })).toMatchObject({ ok: true, ledger: { ok: true, anchoredSize: 300 } });
      // An export whose checkpoint lines were removed proves nothing complete: refused with the key.
      const stripped = join(tmp(), 'stripped.jsonl');
      writeFileSync(stripped, readFileSync(file, 'utf8').split('\n').filter((l) => !l.startsWith('{"checkpoint"')).join('\n'));
      expect(await verifyExportFile(stripped, { verifier: parseVkey(ledger.vkey) })).toMatchObject({ ok: false, ledger: { problems: [{ reason: 'no_checkpoint' }] } });
    });

    it('finds a cut tail: the newest events deleted, chain still consistent', async () => {
      const { database, audit, ledger } = await setup();
      await append(audit, database, 0, 250);
      await ledger.checkpoint();
      const file = await exportTo(ledger);
      await sql`delete from audit_events where seq > 240`.execute(database.db);
      const online = await ledger.verify();
      // The chain alone still verifies: only the checkpoint shows what is missing.
      expect(online.broken).toBeUndefined();
      expect(online).toMatchObject({ ok: false, count: 240, ledger: { ok: false, problems: [{ reason: 'tail_cut', treeSize: 250, message: expect.stringContaining('events 241..250 were removed') }] } });
      // The same cut in an export file (the last 10 lines dropped).
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      const cut = join(tmp(), 'cut.jsonl');
      writeFileSync(cut, lines.slice(0, -10).join('\n') + '\n');
      expect(await verifyExportFile(cut, { verifier: parseVkey(ledger.vkey) })).toMatchObject({ ok: false, ledger: { problems: [{ reason: 'tail_cut' }] } });
      if (database.sqliteFile) expect(await verifyDatabase({ sqliteFile: database.sqliteFile })).toMatchObject({ ok: false, ledger: { problems: [{ reason: 'tail_cut' }] } });
    });

    /** Rewrite event `from`'s content and relink everything after it, MACs and all, as someone holding the master key could. */
    async function rewriteFrom(database: Database, from: number) {
      const macKey = keys.derive('audit.row-mac');
      const rows = await sql<{ id: number; seq: number; uid: string; time: string; class_uid: number; action: string; actor_id: string; resource_type: string | null; resource_id: string | null; app: string | null; outcome: string; event: string }>`select * from audit_events where seq is not null order by seq`.execute(database.db);
      let prev = GENESIS_HASH;
      for (const r of rows.rows) {
        const seq = Number(r.seq);
        if (seq < from) {
          prev = chainHash(prev, r.event);
          continue;
        }
        const event = seq === from ? r.event.replace('"svc-builder"', '"svc-builder2"').replace('"actor":', '"actor":') : r.event;
        const changed = seq === from ? { ...r, actor_id: 'svc-builder2', event } : { ...r, event };
        const hash = chainHash(prev, event);
        const mac = rowMac(macKey, { ...changed, id: Number(r.id), class_uid: Number(r.class_uid) });
        await sql`update audit_events set event = ${event}, actor_id = ${changed.actor_id}, prev_hash = ${prev}, hash = ${hash}, mac = ${mac} where seq = ${seq}`.execute(database.db);
        prev = hash;
      }
    }

    it('finds a rewritten history with a consistent new chain and valid MACs', async () => {
      const { database, audit, ledger } = await setup();
      await append(audit, database, 0, 150);
      await ledger.checkpoint();
      await rewriteFrom(database, 3);
      const online = await ledger.verify();
      // Chain and MACs are consistent: the signed checkpoint is what catches the rewrite.
      expect(online.broken).toBeUndefined();
      expect(online.problemCount).toBe(0);
      expect(online).toMatchObject({ ok: false, ledger: { problems: [{ reason: 'root_mismatch', treeSize: 150, message: expect.stringContaining('changed after it was signed') }] } });
      const file = await exportTo(ledger);
      expect(await verifyExportFile(file, { verifier: parseVkey(ledger.vkey) })).toMatchObject({ ok: false, ledger: { problems: [{ reason: 'root_mismatch' }] } });
      // Proofs built from the rewritten rows do not verify against the signed checkpoint.
      expect(verifyInclusionDocument(await ledger.inclusion(3), parseVkey(ledger.vkey)).ok).toBe(false);
    });

    it('finds a fork: history rewritten and re-signed with the key, against a checkpoint a witness holds', async () => {
      const witnessDir = tmp();
      const witnessFile = join(witnessDir, 'witness.jsonl');
      const { database, audit, ledger } = await setup({ witnesses: [pathToFileURL(witnessFile).toString()] });
      await append(audit, database, 0, 130);
      await ledger.checkpoint();
      expect((await ledger.witnessStatus())[0]).toMatchObject({ tree_size: 130, last_error: null });
      // The attacker holds every key: rewrites, drops the old checkpoints and signs the new history.
      await rewriteFrom(database, 10);
      await sql`delete from audit_checkpoints`.execute(database.db);
      await sql`delete from audit_tree_nodes`.execute(database.db);
      const forged = new AuditLedger(database, audit, noteSigner('trellis.test/audit', seed), { everyEvents: 100, everySeconds: 3600, witnesses: [] });
      expect((await forged.checkpoint({ force: true }))?.tree_size).toBe(130);
      // On its own the forged trail is self-consistent …
      expect(await forged.verify()).toMatchObject({ ok: true });
      // … but the witness's copy of checkpoint 130 signs another history of 130 events.
      const file = await exportTo(forged);
      const witness = await readCheckpointFile(witnessFile);
      expect(witness).toHaveLength(1);
      const r = await verifyExportFile(file, { verifier: parseVkey(ledger.vkey), witness });
      expect(r).toMatchObject({ ok: false, ledger: { problems: [{ reason: 'fork', treeSize: 130, message: expect.stringContaining('forked') }] } });
      if (database.sqliteFile) expect(await verifyDatabase({ sqliteFile: database.sqliteFile, witness })).toMatchObject({ ok: false, ledger: { problems: [{ reason: 'fork' }] } });
    });

    it('pushes checkpoints to an HTTP witness with consistency proofs it checks, resuming from the size it knows', async () => {
      // A witness after C2SP tlog-witness: keeps the latest checkpoint, accepts a new one only
      // with a valid consistency proof from that size, answers 409 with its size otherwise.
      const v = parseVkey(noteSigner('trellis.test/audit', seed).vkey);
      let known: { size: number; root: Buffer } = { size: 0, root: Buffer.alloc(0) };
      const seen: number[] = [];
      let down = true;
      const server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          if (down) return void res.writeHead(503).end();
          const [head, rest] = [body.slice(0, body.indexOf('\n\n') + 1), body.slice(body.indexOf('\n\n') + 2)];
          const lines = head.trimEnd().split('\n');
          const old = Number(lines[0]!.replace('old ', ''));
          const proof = lines.slice(1).map((l) => Buffer.from(l, 'base64'));
          if (req.url !== '/add-checkpoint') return void res.writeHead(404).end();
          if (old !== known.size) return void res.writeHead(409, { 'content-type': 'text/x.tlog.size' }).end(`${known.size}\n`);
          const c = openCheckpoint(rest, v);
          if (known.size > 0 && !verifyConsistency(known.size, c.size, known.root, c.root, proof)) return void res.writeHead(422).end();
          known = { size: c.size, root: c.root };
          seen.push(c.size);
          res.writeHead(200).end('\u2014 witness.test AAAA\n');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const { database, audit, ledger } = await setup({ witnesses: [url] });
        await append(audit, database, 0, 100);
        await ledger.checkpoint();
        expect((await ledger.witnessStatus())[0]).toMatchObject({ tree_size: 0, last_error: expect.stringContaining('503') });
        down = false;
        await ledger.pushWitnesses();
        await append(audit, database, 100, 333);
        await ledger.checkpoint();
        // The witness lost its state: it answers 409 with 0 and gets the checkpoint from scratch.
        known = { size: 0, root: Buffer.alloc(0) };
        await append(audit, database, 433, 100);
        await ledger.checkpoint();
        await append(audit, database, 533, 100);
        await ledger.checkpoint();
        expect(seen).toEqual([100, 433, 533, 633]);
        expect((await ledger.witnessStatus())[0]).toMatchObject({ witness: url + '/', tree_size: 633, last_error: null });
      } finally {
        await new Promise((r) => server.close(r));
      }
    });

    it('checks checkpoints alone: a bad signature and a malformed note are named', () => {
      const s = noteSigner('trellis.test/audit', seed);
      const other = noteSigner('trellis.test/audit', randomBytes(32));
      const note = (signer: typeof s) => signer.sign(`trellis.test/audit\n1\n${leafHash(Buffer.from('x')).toString('base64')}\n`);
      const c = new CheckpointChecker([{ note: note(other), from: 'a' }, { note: 'garbage', from: 'b' }], parseVkey(s.vkey));
      const r = c.result(0);
      expect(r.ok).toBe(false);
      expect(r.problems.map((p) => p.reason).sort()).toEqual(['checkpoint_malformed', 'checkpoint_signature']);
    });
  });
}
