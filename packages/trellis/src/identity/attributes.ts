/**
 * The attributes of active people, in memory on every replica, for ABAC: principals carry
 * them (auth's attribute source) and governance hands them to Rego as `input.subject`.
 * Loaded at start; kept current through a Follower on the identity channel, which SCIM writes
 * notify in their transaction (LISTEN/NOTIFY on PostgreSQL, a short poll on SQLite). Each
 * change names the people it touched; a catch-up reloads only those.
 */
import type { Database, Tx } from '../db/database.ts';
import { Follower, notifyFollowers } from '../db/follow.ts';
import * as store from './store.ts';
import type { IdentityPersonRow } from './rows.ts';

export const identityChannel = 'trellis_identity';
/** Catch-up reads also re-read this much of the recent past: a transaction that took a sequence number early may commit late. */
const REREAD_WINDOW_MS = 120_000;
/** Change rows older than this serve no replica (one that was down longer reloads everything). */
const CHANGE_HORIZON_MS = 24 * 3600_000;

export interface PersonAttributes {
  department: string | null;
  location: string | null;
  country: string | null;
  employment_type: string | null;
  title: string | null;
  cost_center: string | null;
  organization: string | null;
  division: string | null;
  /** The manager's reference (`user:<email>`), when the manager is in the directory. */
  manager: string | null;
  /** Display names of the person's groups. */
  groups: string[];
}

export function attributesOf(row: IdentityPersonRow, managerRef: string | null, groups: readonly string[]): PersonAttributes {
  return {
    department: row.department,
    location: row.locality,
    country: row.country,
    employment_type: row.user_type,
    title: row.title,
    cost_center: row.cost_center,
    organization: row.organization,
    division: row.division,
    manager: managerRef,
    groups: [...groups],
  };
}

export class DirectoryAttributes {
  private readonly byRef = new Map<string, PersonAttributes>();
  /** References of people the directory holds as inactive or deleted (departed). */
  private readonly departed = new Set<string>();
  /** person id → the ref it is held under, so a changed e-mail drops the old key. */
  private readonly refOfId = new Map<string, string>();
  private lastSeq = 0;
  private loaded = false;
  private readonly follower: Follower;

  constructor(
    private readonly database: Database,
    warn: (message: string) => void,
    opts: { pollIntervalMs?: number } = {},
  ) {
    this.follower = new Follower(database, { channel: identityChannel, catchUp: () => this.catchUp(), pollIntervalMs: opts.pollIntervalMs ?? 250, warn, label: 'identity' });
  }

  /** A person's attributes by reference, or undefined for someone not active in the directory. */
  get(ref: string): PersonAttributes | undefined {
    return this.byRef.get(ref);
  }

  /** Whether a person is active, departed, or not in the directory at all (governance's owner status). */
  statusOf(ref: string): 'active' | 'inactive' | 'unknown' {
    return this.byRef.has(ref) ? 'active' : this.departed.has(ref) ? 'inactive' : 'unknown';
  }

  /** In a writer's transaction: these people changed; every replica reloads them. */
  async changed(tx: Tx, personIds: readonly string[]): Promise<void> {
    if (personIds.length === 0) return;
    await store.recordChanges(tx, personIds, Date.now());
    await notifyFollowers(tx, this.database, identityChannel);
  }

  /** Read what is new now (after a write commits, for this replica). */
  refresh(): Promise<void> {
    return this.follower.run();
  }

  async start(): Promise<void> {
    await store.pruneChanges(this.database.db, Date.now() - CHANGE_HORIZON_MS);
    await this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  private async catchUp(): Promise<void> {
    const q = this.database.db;
    if (!this.loaded) {
      // Everything once; changes from here on.
      const seq = await store.lastChangeSeq(q);
      const people = await store.listPeople(q);
      await this.reload(people.map((p) => p.id));
      this.lastSeq = seq;
      this.loaded = true;
      return;
    }
    const rows = await store.changesSince(q, this.lastSeq, Date.now() - REREAD_WINDOW_MS);
    if (rows.length === 0) return;
    for (const r of rows) this.lastSeq = Math.max(this.lastSeq, Number(r.seq));
    await this.reload([...new Set(rows.map((r) => r.person_id))]);
  }

  private async reload(ids: readonly string[]): Promise<void> {
    const q = this.database.db;
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await q.selectFrom('identity_people').selectAll().where('id', 'in', chunk).execute();
      const managerIds = [...new Set(rows.map((r) => r.manager_id).filter((m): m is string => m !== null))];
      const managers = managerIds.length > 0 ? await q.selectFrom('identity_people').select(['id', 'ref']).where('id', 'in', managerIds).where('deleted', '=', 0).execute() : [];
      const managerRef = new Map(managers.map((m) => [m.id, m.ref]));
      const groups = await store.groupsOfPeople(q, chunk);
      const seen = new Set<string>();
      for (const row of rows) {
        seen.add(row.id);
        const old = this.refOfId.get(row.id);
        if (old !== undefined && old !== row.ref) {
          this.byRef.delete(old);
          this.departed.delete(old);
        }
        if (row.active === 1 && row.deleted === 0) {
          this.departed.delete(row.ref);
          this.byRef.set(row.ref, attributesOf(row, row.manager_id ? (managerRef.get(row.manager_id) ?? null) : null, (groups.get(row.id) ?? []).map((g) => g.display_name)));
          this.refOfId.set(row.id, row.ref);
        } else {
          this.byRef.delete(row.ref);
          this.departed.add(row.ref);
          this.refOfId.set(row.id, row.ref);
        }
      }
      for (const id of chunk) {
        if (seen.has(id)) continue;
        const old = this.refOfId.get(id);
        if (old !== undefined) {
          this.byRef.delete(old);
          this.departed.delete(old);
        }
        this.refOfId.delete(id);
      }
    }
  }
}
