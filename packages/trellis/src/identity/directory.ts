/**
 * The directory: people and groups as the IdP provisions them through SCIM, each write with its
 * audit event and change-feed entry in one transaction. Deactivating or deleting a person runs
 * the departed-owner cascade in that same transaction (cascade.ts), so a person is never
 * marked gone while their credentials or apps live on, nor the other way round.
 *
 * Lists read live rows (narrowed by an indexed equality when the filter has one: userName,
 * externalId, id, displayName) and evaluate the filter in memory over the representations.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Tx } from '../db/database.ts';
import type { AuditLog, AuditInput } from '../audit/index.ts';
import type { Caller } from '../catalog/index.ts';
import { canonicalPersonRef } from '../auth/index.ts';
import { badRequest, notFound, ScimError } from './scim-error.ts';
import { indexHint, matches, parseFilter, sortKey, type Filter } from './scim-filter.ts';
import { applyPatch } from './scim-patch.ts';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, MAX_RESULTS, readResource, resolvePath, USER_SCHEMA, groupSchema, userSchema, type ResourceSchema } from './scim-schema.ts';
import type { DirectoryAttributes } from './attributes.ts';
import type { Cascade } from './cascade.ts';
import * as store from './store.ts';
import type { IdentityGroupRow, IdentityPersonRow } from './rows.ts';

type Doc = Record<string, unknown>;

export interface ListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
  sortBy?: string;
  sortOrder?: string;
  attributes?: string;
  excludedAttributes?: string;
}

export interface ProjectionQuery {
  attributes?: string;
  excludedAttributes?: string;
}

/** A person as the REST API and the CLI show them. */
export interface PersonSummary {
  id: string;
  ref: string;
  user_name: string;
  display_name: string | null;
  active: boolean;
  title: string | null;
  employment_type: string | null;
  department: string | null;
  cost_center: string | null;
  organization: string | null;
  division: string | null;
  location: string | null;
  country: string | null;
  manager: { id: string; ref: string | null } | null;
  groups: string[];
  created_at: string;
  updated_at: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function isObject(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The primary (or work, or first) element of a multi-valued attribute. */
function preferred(list: unknown): Doc | undefined {
  if (!Array.isArray(list)) return undefined;
  const els = list.filter(isObject);
  return els.find((e) => e.primary === true) ?? els.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work') ?? els[0];
}

/** The indexed columns a user document sets. */
function personColumns(doc: Doc): Omit<IdentityPersonRow, 'id' | 'deleted' | 'doc' | 'created_at' | 'updated_at' | 'version'> {
  const userName = str(doc.userName);
  if (!userName) throw badRequest('invalidValue', 'userName is required');
  const ext = isObject(doc[ENTERPRISE_SCHEMA]) ? (doc[ENTERPRISE_SCHEMA] as Doc) : {};
  const email = str(preferred(doc.emails)?.value);
  const address = preferred(doc.addresses);
  const name = isObject(doc.name) ? doc.name : {};
  return {
    user_name: userName,
    user_name_lower: userName.toLowerCase(),
    external_id: str(doc.externalId),
    ref: canonicalPersonRef(`user:${email ?? userName}`),
    display_name: str(doc.displayName) ?? str(name.formatted) ?? ([str(name.givenName), str(name.familyName)].filter(Boolean).join(' ') || null),
    active: doc.active === false ? 0 : 1,
    title: str(doc.title),
    user_type: str(doc.userType),
    department: str(ext.department),
    cost_center: str(ext.costCenter),
    organization: str(ext.organization),
    division: str(ext.division),
    manager_id: isObject(ext.manager) ? str(ext.manager.value) : null,
    locality: str(address?.locality),
    country: str(address?.country),
  };
}

function etag(version: number): string {
  return `W/"${version}"`;
}

/** If-Match (RFC 7644 §3.14): a stale version is refused, so one IdP push does not undo another. */
function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const wanted = ifMatch.split(',').map((s) => s.trim());
  if (!wanted.includes(etag(version)) && !wanted.includes(`"${version}"`)) throw new ScimError(412, `the resource is at version ${etag(version)}`);
}

function parseIndex(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  if (!/^-?\d+$/.test(v)) throw badRequest('invalidValue', `${name} must be an integer`);
  return Number(v);
}

/** attributes / excludedAttributes (RFC 7644 §3.4.2.5) over a representation. */
export function project(schema: ResourceSchema, repr: Doc, q: ProjectionQuery): Doc {
  const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const wanted = list(q.attributes);
  const excluded = list(q.excludedAttributes);
  if (wanted.length === 0 && excluded.length === 0) return repr;
  const resolve = (p: string) => {
    const r = resolvePath(schema, p);
    if (!r) throw badRequest('invalidValue', `unknown attribute ${p}`);
    return r;
  };
  if (wanted.length > 0) {
    const out: Doc = { schemas: repr.schemas, id: repr.id };
    for (const p of wanted) {
      const r = resolve(p);
      const from = r.ext ? repr[r.ext] : repr;
      if (!isObject(from) || from[r.attr.name] === undefined) continue;
      const into = r.ext ? ((out[r.ext] as Doc | undefined) ?? (out[r.ext] = {}) as Doc) : out;
      const v = from[r.attr.name];
      if (!r.sub) into[r.attr.name] = v;
      else if (Array.isArray(v)) {
        const prev = Array.isArray(into[r.attr.name]) ? (into[r.attr.name] as Doc[]) : [];
        into[r.attr.name] = v.map((e, i) => (isObject(e) ? { ...(prev[i] ?? {}), [r.sub!.name]: e[r.sub!.name] } : e));
      } else if (isObject(v)) into[r.attr.name] = { ...(isObject(into[r.attr.name]) ? (into[r.attr.name] as Doc) : {}), [r.sub.name]: v[r.sub.name] };
    }
    return out;
  }
  const out = structuredClone(repr);
  for (const p of excluded) {
    const r = resolve(p);
    if (r.attr.name === 'id') continue;
    const from = r.ext ? out[r.ext] : out;
    if (!isObject(from)) continue;
    const v = from[r.attr.name];
    if (!r.sub) delete from[r.attr.name];
    else if (Array.isArray(v)) {
      for (const e of v) if (isObject(e)) delete e[r.sub.name];
    } else if (isObject(v)) delete v[r.sub.name];
  }
  return out;
}

export class Directory {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly attributes: DirectoryAttributes,
    private readonly cascade: Cascade,
  ) {}

  // ---- representations ----

  private userRepr(row: IdentityPersonRow, groups: readonly { id: string; display_name: string }[], base: string): Doc {
    const doc = JSON.parse(row.doc) as Doc;
    const ext = isObject(doc[ENTERPRISE_SCHEMA]) ? (doc[ENTERPRISE_SCHEMA] as Doc) : undefined;
    const { [ENTERPRISE_SCHEMA]: _ext, ...core } = doc;
    return {
      schemas: ext ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
      id: row.id,
      ...core,
      active: row.active === 1,
      groups: groups.map((g) => ({ value: g.id, display: g.display_name, $ref: `${base}/Groups/${g.id}`, type: 'direct' })),
      ...(ext ? { [ENTERPRISE_SCHEMA]: ext } : {}),
      meta: { resourceType: 'User', created: row.created_at, lastModified: row.updated_at, location: `${base}/Users/${row.id}`, version: etag(row.version) },
    };
  }

  private groupRepr(row: IdentityGroupRow, members: readonly { id: string; display: string }[], base: string): Doc {
    return {
      schemas: [GROUP_SCHEMA],
      id: row.id,
      displayName: row.display_name,
      ...(row.external_id ? { externalId: row.external_id } : {}),
      members: members.map((m) => ({ value: m.id, display: m.display, $ref: `${base}/Users/${m.id}`, type: 'User' })),
      meta: { resourceType: 'Group', created: row.created_at, lastModified: row.updated_at, location: `${base}/Groups/${row.id}`, version: etag(row.version) },
    };
  }

  private async userOut(row: IdentityPersonRow, base: string): Promise<Doc> {
    const groups = await store.groupsOfPeople(this.database.db, [row.id]);
    return this.userRepr(row, groups.get(row.id) ?? [], base);
  }

  private async groupOut(row: IdentityGroupRow, base: string): Promise<Doc> {
    const members = await store.membersOfGroups(this.database.db, [row.id]);
    return this.groupRepr(row, members.get(row.id) ?? [], base);
  }

  // ---- lists ----

  /**
   * A list response. Without a filter or a sort the page is read straight from the database
   * (`readPage`); otherwise the loader reads the candidate rows and the filter runs over them here.
   */
  private async listOf(
    schema: ResourceSchema,
    q: ListQuery,
    load: (filter: Filter | undefined) => Promise<Doc[]>,
    readPage: (offset: number, limit: number) => Promise<{ total: number; items: Doc[] }>,
  ): Promise<Doc> {
    const filter = q.filter !== undefined && q.filter.trim() !== '' ? parseFilter(schema, q.filter) : undefined;
    const startIndex = Math.max(1, parseIndex(q.startIndex, 'startIndex', 1));
    const count = Math.min(Math.max(0, parseIndex(q.count, 'count', 100)), MAX_RESULTS);
    if (!filter && !q.sortBy) {
      const { total, items } = await readPage(startIndex - 1, count);
      return { schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: items.length, Resources: items.map((r) => project(schema, r, q)) };
    }
    let all = await load(filter);
    if (filter) all = all.filter((r) => matches(filter, r));
    if (q.sortBy) {
      const path = resolvePath(schema, q.sortBy);
      if (!path) throw badRequest('invalidValue', `unknown sortBy attribute ${q.sortBy}`);
      const dir = (q.sortOrder ?? 'ascending').toLowerCase() === 'descending' ? -1 : 1;
      const key = (r: Doc) => {
        const v = sortKey(r, path);
        return v === undefined || v === null ? null : typeof v === 'string' ? v.toLowerCase() : (v as number | boolean);
      };
      all.sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        // Missing values last, whatever the order (RFC 7644 §3.4.2.3).
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
    }
    const page = all.slice(startIndex - 1, startIndex - 1 + count);
    return { schemas: [LIST_SCHEMA], totalResults: all.length, startIndex, itemsPerPage: page.length, Resources: page.map((r) => project(schema, r, q)) };
  }

  async listUsers(q: ListQuery, base: string): Promise<Doc> {
    return this.listOf(userSchema, q, async (filter) => {
      const hint = filter ? indexHint(filter) : undefined;
      const column = hint?.attr === 'userName' ? 'user_name_lower' : hint?.attr === 'externalId' ? 'external_id' : hint?.attr === 'id' ? 'id' : undefined;
      const rows = await store.listPeople(this.database.db, column && hint ? { column, value: column === 'user_name_lower' ? hint.value.toLowerCase() : hint.value } : undefined);
      const groups = await store.groupsOfPeople(this.database.db, rows.map((r) => r.id));
      return rows.map((r) => this.userRepr(r, groups.get(r.id) ?? [], base));
    }, async (offset, limit) => {
      const { total, rows } = await store.pagePeople(this.database.db, offset, limit);
      const groups = await store.groupsOfPeople(this.database.db, rows.map((r) => r.id));
      return { total, items: rows.map((r) => this.userRepr(r, groups.get(r.id) ?? [], base)) };
    });
  }

  async listGroups(q: ListQuery, base: string): Promise<Doc> {
    // Members are read only when asked for or filtered on: a large group's list is the costly part.
    const wantsMembers = (q.filter ?? '').toLowerCase().includes('members') || (q.attributes ?? '').toLowerCase().includes('members') || (q.attributes === undefined && !(q.excludedAttributes ?? '').toLowerCase().includes('members'));
    return this.listOf(groupSchema, q, async (filter) => {
      const hint = filter ? indexHint(filter) : undefined;
      const column = hint?.attr === 'displayName' ? 'display_name_lower' : hint?.attr === 'externalId' ? 'external_id' : hint?.attr === 'id' ? 'id' : undefined;
      const rows = await store.listGroups(this.database.db, column && hint ? { column, value: column === 'display_name_lower' ? hint.value.toLowerCase() : hint.value } : undefined);
      const members = wantsMembers ? await store.membersOfGroups(this.database.db, rows.map((r) => r.id)) : new Map<string, { id: string; display: string }[]>();
      return rows.map((r) => {
        const repr = this.groupRepr(r, members.get(r.id) ?? [], base);
        if (!wantsMembers) delete repr.members;
        return repr;
      });
    }, async (offset, limit) => {
      const { total, rows } = await store.pageGroups(this.database.db, offset, limit);
      const members = wantsMembers ? await store.membersOfGroups(this.database.db, rows.map((r) => r.id)) : new Map<string, { id: string; display: string }[]>();
      return {
        total,
        items: rows.map((r) => {
          const repr = this.groupRepr(r, members.get(r.id) ?? [], base);
          if (!wantsMembers) delete repr.members;
          return repr;
        }),
      };
    });
  }

  // ---- users ----

  async getUser(id: string, base: string): Promise<Doc> {
    const row = await store.findPerson(this.database.db, id);
    if (!row || row.deleted === 1) throw notFound(`User ${id}`);
    return this.userOut(row, base);
  }

  async createUser(caller: Caller, body: unknown, base: string): Promise<Doc> {
    const doc = readResource(userSchema, body);
    const cols = personColumns(doc);
    const now = new Date().toISOString();
    const row: IdentityPersonRow = { id: randomUUID(), ...cols, deleted: 0, doc: JSON.stringify(doc), created_at: now, updated_at: now, version: 1 };
    await this.write(async (tx) => {
      if (await store.userNameTaken(tx, cols.user_name_lower, null)) throw new ScimError(409, `userName ${cols.user_name} is taken`, 'uniqueness');
      await store.insertPerson(tx, row);
      await this.attributes.changed(tx, [row.id]);
      await this.audit.append(tx, this.personEvent(caller, 'create', 'person.create', row, `person ${row.ref} provisioned`));
    });
    return this.userOut(row, base);
  }

  async replaceUser(caller: Caller, id: string, body: unknown, base: string, ifMatch?: string): Promise<Doc> {
    const doc = readResource(userSchema, body);
    return this.updateUser(caller, id, base, ifMatch, () => doc, 'person.replace');
  }

  async patchUser(caller: Caller, id: string, body: unknown, base: string, ifMatch?: string): Promise<Doc> {
    return this.updateUser(caller, id, base, ifMatch, (current) => readResource(userSchema, { schemas: [USER_SCHEMA, ...(isObject(current[ENTERPRISE_SCHEMA]) ? [ENTERPRISE_SCHEMA] : [])], ...applyPatch(userSchema, current, body) }), 'person.patch');
  }

  private async updateUser(caller: Caller, id: string, base: string, ifMatch: string | undefined, next: (current: Doc) => Doc, action: string): Promise<Doc> {
    const row = await this.write(async (tx) => {
      const prev = await store.findPerson(tx, id, { lock: this.database.dialect });
      if (!prev || prev.deleted === 1) throw notFound(`User ${id}`);
      checkIfMatch(ifMatch, prev.version);
      const current = JSON.parse(prev.doc) as Doc;
      current.active = prev.active === 1;
      const doc = next(current);
      const cols = personColumns(doc);
      if (cols.user_name_lower !== prev.user_name_lower && (await store.userNameTaken(tx, cols.user_name_lower, id))) throw new ScimError(409, `userName ${cols.user_name} is taken`, 'uniqueness');
      const row: IdentityPersonRow = { ...prev, ...cols, doc: JSON.stringify(doc), updated_at: new Date().toISOString(), version: prev.version + 1 };
      await store.updatePerson(tx, row);
      await this.attributes.changed(tx, [id]);
      const deactivated = prev.active === 1 && row.active === 0;
      const reactivated = prev.active === 0 && row.active === 1;
      await this.audit.append(tx, {
        ...this.personEvent(caller, deactivated ? 'disable' : reactivated ? 'enable' : 'update', deactivated ? 'person.deactivate' : reactivated ? 'person.reactivate' : action, row, `person ${row.ref} ${deactivated ? 'deactivated' : reactivated ? 'reactivated' : 'changed'}`),
        details: { ref: row.ref, version: row.version, ...(prev.ref !== row.ref ? { previous_ref: prev.ref } : {}) },
      });
      // The cut is made under the reference the person had: their credentials carry that one.
      if (deactivated) await this.cascade.run(tx, caller, { ...row, ref: prev.ref }, 'deprovisioned');
      return row;
    });
    return this.userOut(row, base);
  }

  async deleteUser(caller: Caller, id: string, ifMatch?: string): Promise<void> {
    await this.write(async (tx) => {
      const prev = await store.findPerson(tx, id, { lock: this.database.dialect });
      if (!prev || prev.deleted === 1) throw notFound(`User ${id}`);
      checkIfMatch(ifMatch, prev.version);
      // The row stays for history; its userName is free again for a new person.
      const row: IdentityPersonRow = { ...prev, active: 0, deleted: 1, user_name_lower: `${prev.user_name_lower}#deleted-${prev.id}`, updated_at: new Date().toISOString(), version: prev.version + 1 };
      await store.updatePerson(tx, row);
      await store.deleteMembershipsOfPerson(tx, id);
      await this.attributes.changed(tx, [id]);
      await this.audit.append(tx, this.personEvent(caller, 'delete', 'person.delete', row, `person ${row.ref} deleted`));
      if (prev.active === 1) await this.cascade.run(tx, caller, row, 'deleted');
    });
  }

  // ---- groups ----

  async getGroup(id: string, base: string): Promise<Doc> {
    const row = await store.findGroup(this.database.db, id);
    if (!row) throw notFound(`Group ${id}`);
    return this.groupOut(row, base);
  }

  private async memberIds(tx: Tx, doc: Doc): Promise<string[]> {
    const members = Array.isArray(doc.members) ? (doc.members as Doc[]) : [];
    const ids = [...new Set(members.map((m) => str(m.value)).filter((v): v is string => v !== null))];
    if (ids.length > 10_000) throw new ScimError(400, 'a group takes at most 10,000 members per request', 'tooMany');
    const live = await store.livePeopleIds(tx, ids);
    const unknown = ids.filter((i) => !live.has(i));
    if (unknown.length > 0) throw badRequest('invalidValue', `members name unknown users: ${unknown.slice(0, 5).join(', ')}`);
    return ids;
  }

  async createGroup(caller: Caller, body: unknown, base: string): Promise<Doc> {
    const doc = readResource(groupSchema, body);
    const name = str(doc.displayName);
    if (!name) throw badRequest('invalidValue', 'displayName is required');
    const now = new Date().toISOString();
    const row: IdentityGroupRow = { id: randomUUID(), display_name: name, display_name_lower: name.toLowerCase(), external_id: str(doc.externalId), created_at: now, updated_at: now, version: 1 };
    await this.write(async (tx) => {
      if (await store.groupNameTaken(tx, row.display_name_lower, null)) throw new ScimError(409, `a group named ${name} exists`, 'uniqueness');
      const members = await this.memberIds(tx, doc);
      await store.insertGroup(tx, row);
      await store.replaceMembers(tx, row.id, members);
      await this.attributes.changed(tx, members);
      await this.audit.append(tx, this.groupEvent(caller, 'create', 'group.create', row, { members: members.length }));
    });
    return this.groupOut(row, base);
  }

  async replaceGroup(caller: Caller, id: string, body: unknown, base: string, ifMatch?: string): Promise<Doc> {
    const doc = readResource(groupSchema, body);
    return this.updateGroup(caller, id, base, ifMatch, () => doc, 'group.replace');
  }

  async patchGroup(caller: Caller, id: string, body: unknown, base: string, ifMatch?: string): Promise<Doc | undefined> {
    return this.updateGroup(caller, id, base, ifMatch, (current) => readResource(groupSchema, { schemas: [GROUP_SCHEMA], ...applyPatch(groupSchema, current, body) }), 'group.patch');
  }

  private async updateGroup(caller: Caller, id: string, base: string, ifMatch: string | undefined, next: (current: Doc) => Doc, action: string): Promise<Doc> {
    const row = await this.write(async (tx) => {
      const prev = await store.findGroup(tx, id, { lock: this.database.dialect });
      if (!prev) throw notFound(`Group ${id}`);
      checkIfMatch(ifMatch, prev.version);
      const before = (await store.membersOfGroups(tx, [id])).get(id) ?? [];
      const current: Doc = { displayName: prev.display_name, ...(prev.external_id ? { externalId: prev.external_id } : {}), members: before.map((m) => ({ value: m.id })) };
      const doc = next(current);
      const name = str(doc.displayName);
      if (!name) throw badRequest('invalidValue', 'displayName is required');
      if (name.toLowerCase() !== prev.display_name_lower && (await store.groupNameTaken(tx, name.toLowerCase(), id))) throw new ScimError(409, `a group named ${name} exists`, 'uniqueness');
      const members = await this.memberIds(tx, doc);
      const row: IdentityGroupRow = { ...prev, display_name: name, display_name_lower: name.toLowerCase(), external_id: str(doc.externalId), updated_at: new Date().toISOString(), version: prev.version + 1 };
      await store.updateGroup(tx, row);
      await store.replaceMembers(tx, id, members);
      const beforeIds = new Set(before.map((m) => m.id));
      const afterIds = new Set(members);
      const added = members.filter((m) => !beforeIds.has(m));
      const removed = [...beforeIds].filter((m) => !afterIds.has(m));
      // A renamed group changes every member's attributes; otherwise only those who came or went.
      await this.attributes.changed(tx, name !== prev.display_name ? [...new Set([...beforeIds, ...members])] : [...added, ...removed]);
      await this.audit.append(tx, this.groupEvent(caller, 'update', action, row, { added: added.length, removed: removed.length, ...(name !== prev.display_name ? { previous_name: prev.display_name } : {}) }));
      return row;
    });
    return this.groupOut(row, base);
  }

  async deleteGroup(caller: Caller, id: string, ifMatch?: string): Promise<void> {
    await this.write(async (tx) => {
      const prev = await store.findGroup(tx, id, { lock: this.database.dialect });
      if (!prev) throw notFound(`Group ${id}`);
      checkIfMatch(ifMatch, prev.version);
      const members = (await store.membersOfGroups(tx, [id])).get(id) ?? [];
      await store.deleteGroup(tx, id);
      await this.attributes.changed(tx, members.map((m) => m.id));
      await this.audit.append(tx, this.groupEvent(caller, 'delete', 'group.delete', prev, { members: members.length }));
    });
  }

  // ---- the REST view ----

  private async summaries(rows: IdentityPersonRow[]): Promise<PersonSummary[]> {
    const db = this.database.db;
    const groups = await store.groupsOfPeople(db, rows.map((r) => r.id));
    const managerIds = [...new Set(rows.map((r) => r.manager_id).filter((m): m is string => m !== null))];
    const managers = managerIds.length > 0 ? await db.selectFrom('identity_people').select(['id', 'ref']).where('id', 'in', managerIds).execute() : [];
    const refOf = new Map(managers.map((m) => [m.id, m.ref]));
    return rows.map((r) => ({
      id: r.id,
      ref: r.ref,
      user_name: r.user_name,
      display_name: r.display_name,
      active: r.active === 1,
      title: r.title,
      employment_type: r.user_type,
      department: r.department,
      cost_center: r.cost_center,
      organization: r.organization,
      division: r.division,
      location: r.locality,
      country: r.country,
      manager: r.manager_id ? { id: r.manager_id, ref: refOf.get(r.manager_id) ?? null } : null,
      groups: (groups.get(r.id) ?? []).map((g) => g.display_name),
      created_at: r.created_at,
      updated_at: r.updated_at,
    }));
  }

  async people(q: { active?: boolean; department?: string; limit?: number }): Promise<PersonSummary[]> {
    let rows = await store.listPeople(this.database.db);
    if (q.active !== undefined) rows = rows.filter((r) => (r.active === 1) === q.active);
    if (q.department !== undefined) rows = rows.filter((r) => (r.department ?? '').toLowerCase() === q.department!.toLowerCase());
    return this.summaries(rows.slice(0, Math.min(q.limit ?? 1000, 1000)));
  }

  /** A person by id or reference (`user:<email>`, or a bare e-mail). */
  async person(key: string): Promise<PersonSummary | undefined> {
    const db = this.database.db;
    const byId = await store.findPerson(db, key);
    const row = byId && byId.deleted === 0 ? byId : await store.findPersonByRef(db, canonicalPersonRef(key.includes(':') || key.includes('@') ? key : `user:${key}`));
    return row ? (await this.summaries([row]))[0] : undefined;
  }

  // ---- plumbing ----

  /** One write transaction; then this replica's revocations and attributes are read at once (the others follow). */
  private async write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    let out: T;
    try {
      out = await this.database.db.transaction().execute(fn);
    } catch (err) {
      // Two creates racing past the check: the unique index decides.
      const code = (err as { code?: unknown } | null)?.code;
      if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ScimError(409, 'the userName or displayName is taken', 'uniqueness');
      throw err;
    }
    await this.cascade.afterCommit();
    await this.attributes.refresh();
    return out;
  }

  private personEvent(caller: Caller, activity: AuditInput['activity'], action: string, row: IdentityPersonRow, message: string): AuditInput {
    return {
      class: 'account_change',
      activity,
      action,
      actor: caller.actor,
      resources: [{ type: 'person', id: row.id, name: row.ref }],
      outcome: 'success',
      message,
      details: { ref: row.ref, version: row.version, active: row.active === 1 },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    };
  }

  private groupEvent(caller: Caller, activity: AuditInput['activity'], action: string, row: IdentityGroupRow, details: Record<string, unknown>): AuditInput {
    return {
      class: 'group_management',
      activity,
      action,
      actor: caller.actor,
      resources: [{ type: 'group', id: row.id, name: row.display_name }],
      outcome: 'success',
      message: `${action} ${row.display_name}`,
      details,
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    };
  }
}
