/**
 * The whole trail check (AuditLog.verify) with the reading spread over worker threads, each
 * with a database connection of its own, over disjoint ranges of sequence numbers.
 *
 * Design note — why. Reading every column of every row through the query layer cost more than
 * checking it: rows became objects, pages of 20,000 of them lived long enough to be promoted
 * by the garbage collector, and every row crossed several async iterators. One thread could
 * not reach issue 14's 200k events/s even with nothing to check. A worker reads a range in
 * one pass, checks each row's MAC and chain hash as it passes, and hands back a few numbers per
 * range. A SQLite worker reads better-sqlite3 `raw` arrays; a PostgreSQL worker reads the range
 * as binary COPY (copy-binary.ts) and checks each row on its bytes, decoding a row to text only
 * when a check fails there (bytesHold below), which cut the worker's CPU per row by about half.
 *
 * Design note — why the verdicts are the sequential ones.
 * - The upper bound is the last sequence number when verification starts (the snapshot
 *   question: rows sealed later belong to the next verification).
 * - A worker checks order, linkage and hashes inside its range and stops at its first break;
 *   this thread checks each range's first row against the previous range's last, in range
 *   order, with the same ChainVerifier, so the first break reported is the one a single pass
 *   finds, in the same words.
 * - A worker vouches only for rows whose MAC holds and that carry no retention or quarantine
 *   marks: for those RowChecker finds nothing. Every other row is named back by its sequence
 *   number, read again here through the query layer and given to RowChecker itself, in order;
 *   rows with a MAC before it are announced first, so a missing MAC is judged as before.
 * - Problems after a break are not looked at, as a single pass stops reading there; the ledger
 *   sees the chain hashes of the rows read up to and including the break.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from '../db/database.ts';
import { ChainVerifier, linkHashSource, type BreakReason, type VerifyResult } from './chain.ts';
import { copyBinarySource } from './copy-binary.ts';
import { hmacSource } from './hmac.ts';
import type { RowChecker, StoredRow } from './integrity.ts';
import * as store from './store.ts';

/** The columns a worker reads, in this order (the worker addresses them by position). */
// `app` (MAC v2) comes last so the older columns keep their positions.
const COLUMNS = 'id, seq, uid, time, class_uid, action, actor_id, resource_type, resource_id, outcome, event, prev_hash, hash, mac, quarantined_at, pruned_at, prune_mac, app';

// Plain JavaScript, so the worker needs no TypeScript loader (as in verify-parallel.ts). The
// link and the MAC are computed by chain.ts's and hmac.ts's own sources; the MAC's input is
// integrity.ts's (v3: a JSON array of the version, id and the writer's columns, a line feed, the
// event; v2 and v1 as it still accepts them).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
${linkHashSource}
${hmacSource}
${copyBinarySource}
const macHex = makeMacHex(Buffer.from(workerData.macKey));
const macVersion = workerData.macVersion;
const macVersionV2 = workerData.macVersionV2;
const macVersionV1 = workerData.macVersionV1;
const text = 'select ' + workerData.columns + ' from audit_events where seq > $1 and seq <= $2 order by seq';
let read;
let close;
let copyRange;
// The columns a SQLite worker reads as themselves; the others come inside the MAC input.
const SLIM = ['seq', 'event', 'prev_hash', 'hash', 'mac', 'quarantined_at', 'pruned_at', 'prune_mac'];
// The whole row by seq, where a read leaves columns out (SQLite); else the row itself is whole.
let fullRow = (seq, row) => row;
if (workerData.kind === 'sqlite') {
  const Database = require(workerData.driver);
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // The array that starts the MAC's input, as SQLite's json_array writes it (in C). Only a
  // match is trusted: a row whose MAC holds over this text holds over integrity.ts's too, as
  // the key only ever MACs JSON.stringify's text and both are faithful JSON encoders; any
  // other row is checked as integrity.ts does it, here or by RowChecker.
  const macInput = ", json_array('" + macVersion.replaceAll("'", "''") + "', id, uid, time, class_uid, action, actor_id, resource_type, resource_id, app, outcome)";
  // The columns that array carries are not read again as values of their own (a null in their
  // place keeps every position): turning each into a string was a third of a row's cost. A row
  // whose v3 MAC fails is read again whole (fullRow) for the older versions' checks.
  const slim = workerData.columns.split(', ').map((c) => (SLIM.includes(c) ? c : 'null')).join(', ');
  const st = db.prepare(text.replace(workerData.columns, slim).replace(' from ', macInput + ' from ').replace('$1', '?').replace('$2', '?')).raw(true);
  const whole = db.prepare('select ' + workerData.columns + ' from audit_events where seq = ?').raw(true);
  fullRow = (seq) => whole.get(seq);
  read = (from, to, wantHashes) => () => check(st.iterate(from, to), wantHashes);
  close = async () => db.close();
} else {
  const pg = require(workerData.driver);
  const client = new pg.Client({ connectionString: workerData.url, ...(workerData.schema ? { options: '-c search_path=' + workerData.schema } : {}) });
  // A lost connection reaches the query being read (handleError) and fails the queued ones;
  // the client's own error event must not end the thread without a word.
  client.on('error', () => undefined);
  const connected = client.connect();
  connected.catch(() => undefined);
  // Queries start as soon as a range arrives (pg queues them on the connection), so the server
  // reads the next range while this thread checks one.
  read = (from, to, wantHashes) => {
    const result = connected.then(() => copyRange(from, to, wantHashes));
    result.catch(() => undefined);
    return () => result;
  };
  close = () => client.end();
  // PostgreSQL sends a range as binary COPY rows (copy-binary.ts), each checked as it arrives.
  const NCOL = workerData.columns.split(', ').length;
  copyRange = (from, to, wantHashes) =>
    new Promise((resolve, reject) => {
      // Inlined, as COPY takes no parameters: both are integers this module computed.
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new Error('a range bound is not an integer');
      const c = newCheck(wantHashes);
      const tuples = makeCopyTuples(NCOL, (b, at) => pgTuple(c, b, at));
      let failed = null;
      const done = (err) => (err ? reject(err) : resolve(c.result()));
      const noop = () => undefined;
      client.query({
        submit: (connection) => connection.query('copy (' + text.replace('$1', String(from)).replace('$2', String(to)) + ') to stdout (format binary)'),
        handleCopyData: (msg) => {
          if (failed) return;
          try {
            tuples.feed(msg.chunk);
          } catch (err) {
            failed = err;
          }
        },
        // A server error is followed by ReadyForQuery; a lost connection is not.
        handleError: (err) => done(failed || err),
        handleReadyForQuery: () => done(failed || (tuples.end() ? null : new Error('binary COPY: the stream ended inside a row'))),
        handleCommandComplete: noop,
        handleRowDescription: noop,
        handleDataRow: noop,
        handleEmptyQuery: noop,
        handlePortalSuspended: noop,
      });
    });
}
// The MAC as hex against the stored text, in time that depends on their length only. (A
// Buffer of each and timingSafeEqual cost a fifth of a row's check.)
const macIs = (mac, input, body) => {
  const want = macHex(input, body);
  if (want.length !== mac.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ mac.charCodeAt(i);
  return diff === 0;
};
// integrity.ts appOf: the event's first app resource (undefined when the text is no event).
const appOf = (text) => {
  try {
    const a = JSON.parse(text).resources.find((x) => x.type === 'app');
    const uid = a === undefined ? undefined : a.uid;
    return uid === undefined || uid === null ? null : uid;
  } catch {
    return undefined;
  }
};
// True when RowChecker would find nothing to say about the row: its MAC holds (compared as
// integrity.ts macHolds compares it: v3, else v2, else v1 with its app named by its event) and
// it is not pruned, quarantined or carrying a prune MAC.
const vouched = (r) => {
  if (r[15] !== null || r[14] !== null || r[16] != null || typeof r[13] !== 'string' || typeof r[10] !== 'string') return false;
  if (r.length > 18) {
    if (typeof r[18] === 'string' && macIs(r[13], r[18], r[10])) return true;
  } else {
    const id = Number(r[0]);
    const classUid = Number(r[4]);
    if (Number.isSafeInteger(id) && Number.isSafeInteger(classUid) && macIs(r[13], JSON.stringify([macVersion, id, r[2], r[3], classUid, r[5], r[6], r[7], r[8], r[17], r[9]]), r[10])) return true;
  }
  // Rows written before MAC v3 (only they pay for the older MACs, the parse, and on SQLite
  // reading the row again).
  const w = fullRow(Number(r[1]), r);
  if (!w || typeof w[13] !== 'string') return false;
  const id = Number(w[0]);
  const classUid = Number(w[4]);
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(classUid)) return false;
  if (macIs(w[13], JSON.stringify([macVersionV2, id, w[2], w[3], classUid, w[5], w[6], w[7], w[8], w[17], w[9], w[10]]))) return true;
  return macIs(w[13], JSON.stringify([macVersionV1, id, w[2], w[3], classUid, w[5], w[6], w[7], w[8], w[9], w[10]])) && w[17] === appOf(w[10]);
};
// One range's verdicts, row by row: push returns false at the range's first break, after which
// nothing more is looked at.
const newCheck = (wantHashes) => {
  const out = { count: 0, first: null, lastSeq: 0, lastHash: '', brk: null, firstVouched: -1, special: [], hashes: wantHashes ? [] : null };
  let i = 0;
  return {
    push(seq, prev, h, storedHash, hashOk, isVouched) {
      if (out.brk) return false;
      if (out.hashes) out.hashes.push(storedHash);
      if (isVouched) {
        if (out.firstVouched < 0) out.firstVouched = i;
      } else out.special.push({ i, seq });
      if (i === 0) out.first = { seq, prevHash: prev, hash: h, hashOk };
      else if (seq !== out.lastSeq + 1) out.brk = { seq, reason: 'sequence_gap' };
      else if (prev !== out.lastHash) out.brk = { seq, reason: 'prev_hash_mismatch' };
      else if (!hashOk) out.brk = { seq, reason: 'hash_mismatch' };
      if (out.brk) return false;
      out.count++;
      out.lastSeq = seq;
      out.lastHash = h;
      i++;
      return true;
    },
    result: () => out,
  };
};
// A row as text (the columns' values in COLUMNS order), checked as integrity.ts checks it.
const pushText = (c, r) => {
  const prev = r[11] === null ? '' : r[11];
  const h = r[12] === null ? '' : r[12];
  // A pruned row keeps its stored hash and is not rehashed (integrity.ts verifyRows).
  const hashOk = r[15] !== null || linkHash(prev, r[10]) === h;
  return c.push(Number(r[1]), prev, h, r[12], hashOk, vouched(r));
};
const check = (rows, wantHashes) => {
  const c = newCheck(wantHashes);
  for (const r of rows) if (!pushText(c, r)) break;
  return c.result();
};
// A binary COPY tuple: column f's bytes are b[at[2f], at[2f + 1]), or null where at[2f] < 0.
const int8At = (b, a) => b.readInt32BE(a) * 4294967296 + b.readUInt32BE(a + 4);
const textRow = (b, at) => {
  const r = new Array(at.length / 2);
  for (let f = 0; f < r.length; f++) {
    const a = at[2 * f];
    const e = at[2 * f + 1];
    if (a < 0) r[f] = null;
    else if (f === 0 || f === 1) {
      if (e - a !== 8) throw new Error('column ' + f + ' is not a bigint');
      r[f] = Number(b.readBigInt64BE(a));
    } else if (f === 4) {
      if (e - a !== 4) throw new Error('column 4 is not an integer');
      r[f] = b.readInt32BE(a);
    } else r[f] = b.toString('utf8', a, e);
  }
  return r;
};
// The 64 bytes at b[a] are the hex text d (a MAC); the time taken does not depend on where they differ.
const hexIs = (b, a, d) => {
  let diff = 0;
  for (let i = 0; i < 64; i++) diff |= b[a + i] ^ d.charCodeAt(i);
  return diff === 0;
};
// Column [a, e) of b as JSON.stringify writes its text, at out[n]; -1 when that text would
// need an escape (a quote, a backslash, a control character), which the text path handles.
const jsonText = (b, a, e, out, n) => {
  if (a < 0) {
    out[n] = 0x6e; out[n + 1] = 0x75; out[n + 2] = 0x6c; out[n + 3] = 0x6c; // null
    return n + 4;
  }
  out[n++] = 0x22;
  for (let i = a; i < e; i++) {
    const x = b[i];
    if (x < 0x20 || x === 0x22 || x === 0x5c) return -1;
    out[n++] = x;
  }
  out[n++] = 0x22;
  return n;
};
// A safe integer as JSON.stringify writes it, at out[n]; returns where it ends.
const decimal = (out, n, v) => {
  if (v < 0) return n + out.write(String(v), n, 'latin1');
  let end = n;
  let x = v;
  do {
    end++;
    x = Math.floor(x / 10);
  } while (x > 0);
  x = v;
  for (let i = end - 1; i >= n; i--) {
    out[i] = 48 + (x % 10);
    x = Math.floor(x / 10);
  }
  return end;
};
const macHead = Buffer.from('[' + JSON.stringify(macVersion) + ',', 'utf8');
const macRaw = makeMacRaw(Buffer.from(workerData.macKey));
// COLUMNS positions: the text columns in the MAC's array, and those after class_uid in its order
// (action, actor_id, resource_type, resource_id, app, outcome).
const MAC_TEXT = [2, 3, 5, 6, 7, 8, 9, 17];
const MAC_AFTER_CLASS = [5, 6, 7, 8, 17, 9];
// What bytesHold read as text, for pgTuple.
let heldPrev = '';
let heldHash = '';
/**
 * The row checked on its bytes as the text path would check it, true when every check holds:
 * the MAC v3 input is assembled from the columns' own bytes. Only a match is trusted, as with
 * SQLite's json_array: bytes that carry a valid MAC are bytes a writer MACed, which were
 * JSON.stringify's text of the same values, so the text path would vouch for the row too. Any
 * other row (older MACs, marks, anything needing an escape, any mismatch) takes the text path.
 */
const bytesHold = (b, at) => {
  // Not quarantined, pruned or carrying a prune MAC; event, MAC and both hashes present.
  if (at[28] >= 0 || at[30] >= 0 || at[32] >= 0) return false;
  const ev = at[20], evEnd = at[21], prev = at[22], h = at[24], mac = at[26];
  if (ev < 0 || prev < 0 || h < 0 || mac < 0 || at[23] - prev !== 64 || at[25] - h !== 64 || at[27] - mac !== 64) return false;
  if (at[1] - at[0] !== 8 || at[9] - at[8] !== 4) return false;
  const id = int8At(b, at[0]);
  if (!Number.isSafeInteger(id)) return false;
  let textBytes = 0;
  for (let k = 0; k < MAC_TEXT.length; k++) textBytes += at[2 * MAC_TEXT[k] + 1] - at[2 * MAC_TEXT[k]] + 4;
  const out = macRaw.room(macHead.length + 40 + textBytes + (evEnd - ev));
  // TypedArray set rather than Buffer copy: the copy's own checks cost more than the bytes.
  out.set(macHead, 64);
  let n = 64 + macHead.length;
  n = decimal(out, n, id);
  out[n++] = 0x2c;
  n = jsonText(b, at[4], at[5], out, n); // uid
  if (n < 0) return false;
  out[n++] = 0x2c;
  n = jsonText(b, at[6], at[7], out, n); // time
  if (n < 0) return false;
  out[n++] = 0x2c;
  n = decimal(out, n, b.readInt32BE(at[8])); // class_uid
  for (let k = 0; k < MAC_AFTER_CLASS.length; k++) {
    out[n++] = 0x2c;
    n = jsonText(b, at[2 * MAC_AFTER_CLASS[k]], at[2 * MAC_AFTER_CLASS[k] + 1], out, n);
    if (n < 0) return false;
  }
  out[n++] = 0x5d;
  out[n++] = 0x0a;
  const event = b.subarray(ev, evEnd);
  out.set(event, n);
  n += event.length;
  if (!hexIs(b, mac, macRaw.digest(n - 64))) return false;
  heldPrev = b.latin1Slice(prev, prev + 64);
  // The chain hash is no secret: compared as text, which pgTuple needs anyway.
  heldHash = b.latin1Slice(h, h + 64);
  return linkHashAt(heldPrev, event) === heldHash;
};
const pgTuple = (c, b, at) => {
  if (c.result().brk) return false;
  if (bytesHold(b, at)) return c.push(int8At(b, at[2]), heldPrev, heldHash, heldHash, true, true);
  return pushText(c, textRow(b, at));
};
let queue = Promise.resolve();
parentPort.on('message', (m) => {
  if (m.stop) {
    queue = queue.then(close).catch(() => undefined).then(() => parentPort.postMessage({ stopped: true }));
    return;
  }
  const run = read(m.from, m.to, m.hashes);
  queue = queue.then(async () => {
    try {
      parentPort.postMessage({ k: m.k, result: await run() });
    } catch (err) {
      parentPort.postMessage({ k: m.k, error: String((err && err.message) || err) });
    }
  });
});
`;

/** What a worker says about one range. Indexes count rows read in the range, from 0. */
interface RangeResult {
  /** Rows accepted: the first (checked here against the range before), then each that held. */
  count: number;
  first: { seq: number; prevHash: string; hash: string; hashOk: boolean } | null;
  lastSeq: number;
  lastHash: string;
  /** The first break inside the range (not at its first row); nothing after it was read. */
  brk: { seq: number; reason: BreakReason } | null;
  /** The first row the worker vouched for, or -1. */
  firstVouched: number;
  /** Rows RowChecker must see, in order. */
  special: { i: number; seq: number }[];
  /** Each row's stored hash (null as stored), when the caller wants them. */
  hashes: (string | null)[] | null;
}

export interface RangeOptions {
  /** Worker threads (default: the machine's cores, at most four). */
  threads?: number;
  /** Sequence numbers per range handed to a worker. */
  rangeSize?: number;
}

/** Where workers can open a connection of their own: a SQLite file, or a PostgreSQL server. */
export function rangeSourceOf(database: Database): { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string | undefined } | undefined {
  if (database.dialect === 'sqlite') return database.sqliteFile ? { kind: 'sqlite', file: database.sqliteFile } : undefined;
  return database.postgresUrl ? { kind: 'postgres', url: database.postgresUrl, schema: database.schema } : undefined;
}

/**
 * Verify sealed rows from `fromSeq` (or the first) to the last sealed when called, as
 * integrity.ts `verifyRows` would over `streamSealedRows`, with rows read and checked by
 * worker threads. `database` must have a range source (rangeSourceOf).
 */
export async function verifyInRanges(
  database: Database,
  opts: { macKey: Buffer; macVersion: string; macVersionV2: string; macVersionV1: string; checker: RowChecker; start: { prevHash?: string; seq?: number }; fromSeq?: number; lastSeq: number; onLink?: (chainHash: string) => void } & RangeOptions,
): Promise<VerifyResult> {
  const source = rangeSourceOf(database);
  if (!source) throw new Error('verifyInRanges needs a SQLite file or a PostgreSQL URL');
  const verifier = new ChainVerifier(opts.start);
  const low = (opts.fromSeq ?? 1) - 1;
  const size = opts.rangeSize ?? 10_000;
  const ranges = Math.max(0, Math.ceil((opts.lastSeq - low) / size));
  if (ranges === 0) return verifier.result();
  const threads = Math.max(1, Math.min(ranges, opts.threads ?? Math.min(4, availableParallelism())));
  const require = createRequire(import.meta.url);
  const workerData = {
    ...source,
    driver: require.resolve(source.kind === 'sqlite' ? 'better-sqlite3' : 'pg'),
    macKey: opts.macKey,
    macVersion: opts.macVersion,
    macVersionV2: opts.macVersionV2,
    macVersionV1: opts.macVersionV1,
    columns: COLUMNS,
  };
  const waiting = new Map<number, { resolve(r: RangeResult): void; reject(err: Error): void }>();
  const results: Promise<RangeResult>[] = [];
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  const workers = Array.from({ length: threads }, () => {
    // No execArgv: the worker runs plain JavaScript and must not load the parent's TypeScript loader.
    // A young generation of 64 MB: a row's strings (1.5 kB) die within the row, so fewer,
    // larger scavenges find as little alive and cost less in all (bench/audit).
    const w = new Worker(workerSource, { eval: true, execArgv: [], workerData, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    w.on('message', (m: { k?: number; result?: RangeResult; error?: string }) => {
      if (m.k === undefined) return;
      const p = waiting.get(m.k);
      waiting.delete(m.k);
      if (m.result) p?.resolve(m.result);
      else p?.reject(new Error(`audit verification: ${m.error ?? 'a worker failed'}`));
    });
    w.on('error', (err) => failAll(new Error(`audit verification: ${err.message}`)));
    return w;
  });
  const dispatch = (k: number) => {
    const from = low + k * size;
    results[k] = new Promise<RangeResult>((resolve, reject) => waiting.set(k, { resolve, reject }));
    // A range whose result is never awaited (after a break) must not reject unhandled.
    results[k]!.catch(() => undefined);
    workers[k % threads]!.postMessage({ k, from, to: Math.min(from + size, opts.lastSeq), hashes: opts.onLink !== undefined });
  };
  const see = opts.onLink;
  try {
    // Two ranges in flight per worker: a PostgreSQL worker's next read runs while it checks one.
    let sent = 0;
    for (; sent < Math.min(ranges, threads * 2); sent++) dispatch(sent);
    for (let k = 0; k < ranges; k++) {
      const r = await results[k]!;
      if (sent < ranges) dispatch(sent++);
      if (!r.first) continue;
      const linked = verifier.pushVerified(r.first, r.first.hashOk);
      // A break at the range's first row: only that row was read, as a single pass would stop there.
      const lastRead = linked ? Infinity : 0;
      if (see) for (const h of r.hashes!.slice(0, linked ? undefined : 1)) if (h !== null) see(h);
      const special = r.special.filter((s) => s.i <= lastRead);
      const rows = special.length > 0 ? await store.sealedRowsAt(database.db, special.map((s) => s.seq)) : new Map<number, StoredRow & { seq: number }>();
      for (const s of special) {
        if (r.firstVouched >= 0 && r.firstVouched < s.i) opts.checker.vouched();
        const row = rows.get(s.seq);
        // Gone since the worker read it (the table changed under verification): nothing left to check.
        if (row) opts.checker.sealed(row);
      }
      if (r.firstVouched >= 0 && r.firstVouched <= lastRead) opts.checker.vouched();
      if (!linked) break;
      verifier.pushRun(r.count - 1, r.lastSeq, r.lastHash);
      if (r.brk) {
        verifier.breakAt(r.brk.seq, r.brk.reason);
        break;
      }
    }
    return verifier.result();
  } finally {
    failAll(new Error('audit verification ended'));
    await Promise.all(
      workers.map(async (w) => {
        // Let the worker close its connection before the thread goes.
        await new Promise<void>((resolve) => {
          const done = (m: { stopped?: boolean }) => {
            if (m.stopped) resolve();
          };
          w.on('message', done);
          w.once('exit', () => resolve());
          w.once('error', () => resolve());
          w.postMessage({ stop: true });
        });
        await w.terminate();
      }),
    );
  }
}
