/**
 * What makes an audit row the server's own, as pure functions shared by the sealer, online and
 * offline verification:
 * - `rowMac`: HMAC-SHA-256, under a key derived from the master key ('audit.row-mac'), over
 *   every column the writer sets — id, uid, time, class_uid, action, actor_id, resource_type,
 *   resource_id, app, outcome, event. Since v3 the input is the canonical JSON array of the
 *   version and every column but the event (each value typed and delimited), a line feed, then
 *   the event's own text: that array never holds a raw line feed, so the first one ends it and
 *   no two rows share an input. The event is not escaped into a JSON string as v2 did: writers
 *   and verifiers MAC the bytes they already have, and a verifier never reads an escaped copy.
 *   The chain columns (seq, prev_hash, hash) are null when the MAC is made; the chain hash
 *   covers them once sealed.
 * - MAC versions: rows keep the MAC they were written with. v2 is one JSON array of the version,
 *   the columns and the event; v1 is v2's array without `app`. A v1 row is accepted when its
 *   MAC holds and its stored `app` is the one its event names (the migration filled it in), so
 *   an old row still cannot be moved into another app's search results unnoticed. Only old rows
 *   pay for the second (and third) MAC and that parse.
 * - `searchColumns`: the search columns as the event itself says they are. Verification
 *   compares each stored column with these, so editing a column to change search results is
 *   reported even though the chain hash covers only the event.
 * Whoever can write to the database but lacks the master key can neither make a row the sealer
 * accepts nor change a sealed row unnoticed. They can still delete rows not yet covered by a
 * signed checkpoint — unsealed rows, or a suffix of the chain — which checkpoints will close.
 */
import { timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { ChainVerifier, GENESIS_HASH, type ChainLink, type VerifyResult } from './chain.ts';
import { HmacSha256 } from './hmac.ts';
import type { OcsfEvent } from './ocsf.ts';
import type { AuditEventRow } from './rows.ts';
import { pruneKey, tombstoneHolds } from './tombstone.ts';
import { verifyChainParallel } from './verify-parallel.ts';

/** The columns a writer sets (the MAC's input): all but the chain fields and the sealer's flag. */
export type AppendedRow = Omit<AuditEventRow, 'id' | 'seq' | 'prev_hash' | 'hash' | 'mac' | 'quarantined_at' | 'pruned_at' | 'prune_mac'> & { id: number };

export type StoredRow = Omit<AuditEventRow, 'id'> & { id: number };

/** Names the MAC encoding, so a later change of its input cannot collide with this one. */
export const MAC_VERSION = 'trellis/audit-row/v3';
/** The encoding before v3 (one JSON array, the event escaped inside it): still accepted on rows written then. */
export const MAC_VERSION_V2 = 'trellis/audit-row/v2';
/** The encoding before `app` (20261222_0200 migration): still accepted on rows written then (`macHolds`). */
export const MAC_VERSION_V1 = 'trellis/audit-row/v1';

// One keyed HMAC per key: verification checks every row's MAC under the same key (hmac.ts).
const macsByKey = new WeakMap<Buffer, HmacSha256>();

export function rowMac(key: Buffer, r: AppendedRow): string {
  return macOf(key, r.id, r.class_uid, r);
}

/**
 * The MAC's input, one canonical order per version: v3 is the array [version, id, uid, time,
 * class_uid, action, actor_id, resource_type, resource_id, app, outcome], LF, the event; v2 is
 * one array of the same with the event last; v1 is v2's without `app`. verify-ranges.ts and
 * sqlite-writer.ts build the same inputs.
 */
function macOf(key: Buffer, id: number, classUid: number, r: Omit<AppendedRow, 'id' | 'class_uid'>, version: 1 | 2 | 3 = 3): string {
  const fields =
    version === 3
      ? [MAC_VERSION, id, r.uid, r.time, classUid, r.action, r.actor_id, r.resource_type, r.resource_id, r.app, r.outcome]
      : version === 2
        ? [MAC_VERSION_V2, id, r.uid, r.time, classUid, r.action, r.actor_id, r.resource_type, r.resource_id, r.app, r.outcome, r.event]
        : [MAC_VERSION_V1, id, r.uid, r.time, classUid, r.action, r.actor_id, r.resource_type, r.resource_id, r.outcome, r.event];
  // Strings, integers and nulls: JSON.stringify writes exactly their canonical JSON, natively.
  // Anything else goes through canonicalJson as before.
  const input = Number.isSafeInteger(id) && Number.isSafeInteger(classUid) ? JSON.stringify(fields) : canonicalJson(fields);
  let mac = macsByKey.get(key);
  if (!mac) macsByKey.set(key, (mac = new HmacSha256(key)));
  return version === 3 ? mac.hex(input, r.event) : mac.hex(input);
}

function macEquals(mac: string, want: string): boolean {
  const a = Buffer.from(want, 'utf8');
  const b = Buffer.from(mac, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The row's MAC holds over every column it covers, in the version it was written with. A v1
 * MAC (rows written before `app`) covers all but `app`, so the stored `app` must also be the
 * one its event names.
 */
function macHolds(key: Buffer, r: StoredRow): boolean {
  if (r.mac === null) return false;
  const id = Number(r.id);
  const classUid = Number(r.class_uid);
  if (macEquals(r.mac, macOf(key, id, classUid, r))) return true;
  if (macEquals(r.mac, macOf(key, id, classUid, r, 2))) return true;
  return macEquals(r.mac, macOf(key, id, classUid, r, 1)) && r.app === appOfEventText(r.event);
}

/** The id of the event's first `app` resource, or undefined when the text is no event. */
function appOfEventText(event: string): string | null | undefined {
  try {
    return appOf(JSON.parse(event) as OcsfEvent);
  } catch {
    return undefined;
  }
}

/** The app an event is about, for search: its first resource of type `app` (gateway calls name it after the connector). */
function appOf(event: OcsfEvent): string | null {
  return event.resources.find((r) => r.type === 'app')?.uid ?? null;
}

export type SearchColumns = Omit<AppendedRow, 'id' | 'event'>;

export function searchColumns(event: OcsfEvent): SearchColumns {
  const first = event.resources[0];
  return {
    uid: event.metadata.uid,
    time: event.time_dt,
    class_uid: event.class_uid,
    action: event.api.operation,
    actor_id: event.actor.user.uid,
    resource_type: first?.type ?? null,
    resource_id: first?.uid ?? null,
    app: appOf(event),
    outcome: event.status_id === 1 ? 'success' : 'failure',
  };
}

/** Stored columns that disagree with the event they were copied from ('event' when it does not parse). */
export function columnMismatches(r: StoredRow): string[] {
  let derived: SearchColumns;
  try {
    derived = searchColumns(JSON.parse(r.event) as OcsfEvent);
  } catch {
    return ['event'];
  }
  const stored: SearchColumns = { uid: r.uid, time: r.time, class_uid: Number(r.class_uid), action: r.action, actor_id: r.actor_id, resource_type: r.resource_type, resource_id: r.resource_id, app: r.app, outcome: r.outcome };
  return (Object.keys(derived) as (keyof SearchColumns)[]).filter((k) => derived[k] !== stored[k]);
}

export type RowProblemReason = 'column_mismatch' | 'mac_missing' | 'mac_mismatch' | 'quarantined' | 'not_chained' | 'tombstone_forged';

/** A row verification rejects: named by id (and seq once sealed), never by content. */
export interface RowProblem {
  id: number;
  seq: number | null;
  reason: RowProblemReason;
  columns?: string[];
  message: string;
}

/** Why the sealer must refuse a pending row, or undefined when it is the server's own. */
export function pendingRowFault(key: Buffer, r: StoredRow): 'mac_missing' | 'mac_mismatch' | undefined {
  if (r.mac === null) return 'mac_missing';
  // A pending row is never pruned: retention's columns set on one were set by someone else.
  return r.prev_hash === null && r.hash === null && r.pruned_at == null && r.prune_mac == null && macHolds(key, r) ? undefined : 'mac_mismatch';
}

const MAX_LISTED = 100;

/**
 * Collects row problems over a verification pass. Sealed rows: search columns against the
 * event, and (when the key is at hand) the MAC. Rows sealed before MACs existed have none;
 * a missing MAC is accepted only before the first row that has one, so nulling the MAC of a
 * later row does not pass.
 */
export class RowChecker {
  private readonly listed: RowProblem[] = [];
  private total = 0;
  private macSeen = false;
  private pruned = 0;
  private readonly pruneKey: Buffer | undefined;

  constructor(private readonly key: Buffer | undefined) {
    this.pruneKey = key && pruneKey(key);
  }

  get macChecked(): boolean {
    return this.key !== undefined;
  }

  private add(p: RowProblem): void {
    this.total++;
    if (this.listed.length < MAX_LISTED) this.listed.push(p);
  }

  sealed(r: StoredRow): void {
    const at = `event ${r.seq} (row ${r.id})`;
    if (r.pruned_at !== null) {
      // Retention removed its content (tombstone.ts): only its prune MAC can vouch for it.
      this.pruned++;
      if (this.pruneKey && !tombstoneHolds(this.pruneKey, r)) this.add({ id: r.id, seq: r.seq, reason: 'tombstone_forged', message: `${at} is marked pruned without a valid prune MAC: its content was removed without the installation's key` });
      return;
    }
    // A MAC that holds covers every search column and the event exactly as the writer set them,
    // and the writer copied the columns out of that event (eventColumns): they cannot disagree.
    // Parsing the event to compare them — the dearest step of a row's check — is needed only
    // when the MAC does not vouch for the row (none, wrong, or no key at hand).
    const macOk = this.key !== undefined && macHolds(this.key, r);
    const columns = macOk ? [] : columnMismatches(r);
    if (r.quarantined_at !== null) columns.push('quarantined_at');
    if (r.prune_mac != null) columns.push('prune_mac');
    if (columns.length > 0) this.add({ id: r.id, seq: r.seq, reason: 'column_mismatch', columns, message: `${at}: ${columns.join(', ')} disagree with the event (edited after it was written)` });
    if (r.mac !== null) this.macSeen = true;
    if (!this.key) return;
    if (r.mac === null) {
      if (this.macSeen) this.add({ id: r.id, seq: r.seq, reason: 'mac_missing', message: `${at} has no MAC although earlier events do: it was not written by this server` });
    } else if (!macOk) {
      this.add({ id: r.id, seq: r.seq, reason: 'mac_mismatch', message: `${at} fails its MAC: it was written or changed without the installation's key` });
    }
  }

  /**
   * A sealed row checked elsewhere (a worker thread) and found to need nothing more: its MAC
   * holds under this key, and it is neither pruned, quarantined nor carrying a prune MAC. It
   * adds no problem; like any row with a MAC, later rows without one are reported.
   */
  vouched(): void {
    this.macSeen = true;
  }

  /** A row still outside the chain after sealing. */
  unchained(r: StoredRow): void {
    const fault = this.key ? pendingRowFault(this.key, r) : undefined;
    const why = fault === 'mac_missing' ? 'it has no MAC' : fault === 'mac_mismatch' ? "it fails its MAC (written or changed without the installation's key)" : r.quarantined_at !== null ? 'it is marked quarantined' : 'it was committed but is not sealed';
    this.add({ id: r.id, seq: null, reason: fault || r.quarantined_at !== null ? 'quarantined' : 'not_chained', message: `row ${r.id} is not in the chain: ${why}` });
  }

  result(): RowsVerdict {
    return { problems: this.listed, problemCount: this.total, macChecked: this.macChecked, pruned: this.pruned };
  }
}

/** The row as the server appends it: search columns copied out of the event, id and MAC. */
/** The columns of an event's row that do not depend on where it lands (id, MAC and chain do). */
export function eventColumns(event: OcsfEvent): Omit<AppendedRow, 'id'> {
  return { ...searchColumns(event), event: canonicalJson(event) };
}

export function appendedRow(key: Buffer, id: number, event: OcsfEvent): AppendedRow & { mac: string } {
  // One object per row, the MAC set on it: every state change makes one.
  const row = { id, ...eventColumns(event), mac: '' };
  row.mac = rowMac(key, row);
  return row;
}

export interface RowsVerdict {
  problems: RowProblem[];
  problemCount: number;
  /** False when no key was at hand (offline without it): MACs were not checked. */
  macChecked: boolean;
  /** Rows whose content retention removed: linked by their stored hashes, not rehashed. */
  pruned: number;
}

export type AuditVerifyResult = VerifyResult & RowsVerdict;

/** The trail is intact only when the chain is, and no row is wrong or outside it. */
export function auditVerdict(chain: VerifyResult, rows: RowsVerdict): AuditVerifyResult {
  return { ...chain, ...rows, ok: chain.ok && rows.problemCount === 0 };
}
type SealedStoredRow = StoredRow & { seq: number };

function linkOf(r: SealedStoredRow): ChainLink {
  return { seq: r.seq, event: r.event, prevHash: r.prev_hash ?? '', hash: r.hash ?? '' };
}

/**
 * Verify sealed rows in chain order, checking each row on the way. Runs of ordinary rows are
 * hashed (in worker threads when long); a pruned row cannot be rehashed, so it is accepted for
 * order and linkage on its stored hash — the checker reports it unless its prune MAC holds.
 */
export async function verifyRows(rows: AsyncIterable<SealedStoredRow>, checker: RowChecker, opts: { start?: { prevHash?: string; seq?: number } } = {}): Promise<VerifyResult> {
  const it = rows[Symbol.asyncIterator]();
  let held: SealedStoredRow | undefined;
  let ended = false;
  const next = async (): Promise<SealedStoredRow | undefined> => {
    if (held) {
      const r = held;
      held = undefined;
      return r;
    }
    if (ended) return undefined;
    const n = await it.next();
    if (n.done) ended = true;
    return n.done ? undefined : n.value;
  };
  let start = opts.start ?? {};
  const total: VerifyResult = { ok: true, count: 0, firstSeq: null, lastSeq: null, head: start.prevHash ?? GENESIS_HASH };
  const merge = (r: VerifyResult): boolean => {
    if (r.count > 0) {
      total.count += r.count;
      total.firstSeq ??= r.firstSeq;
      total.lastSeq = r.lastSeq;
      total.head = r.head;
      start = { prevHash: r.head, seq: r.lastSeq! + 1 };
    }
    if (r.broken) Object.assign(total, { ok: false, broken: r.broken });
    return r.ok;
  };
  for (let first = await next(); first; first = await next()) {
    if (first.pruned_at !== null) {
      const v = new ChainVerifier(start);
      let r: SealedStoredRow | undefined = first;
      for (; r && r.pruned_at !== null; r = await next()) {
        checker.sealed(r);
        if (!v.pushVerified(linkOf(r))) break;
      }
      held = r;
      if (!merge(v.result())) return total;
      continue;
    }
    const head = first;
    // Reads the source directly (no `held` row can be waiting inside a run): one await per row,
    // as a plain `for await` would cost.
    const run = async function* (): AsyncGenerator<ChainLink> {
      checker.sealed(head);
      yield linkOf(head);
      for (;;) {
        const n = await it.next();
        if (n.done) {
          ended = true;
          return;
        }
        if (n.value.pruned_at !== null) {
          held = n.value;
          return;
        }
        checker.sealed(n.value);
        yield linkOf(n.value);
      }
    };
    if (!merge(await verifyChainParallel(run(), { start }))) return total;
  }
  return total;
}
