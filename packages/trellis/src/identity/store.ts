/** The identity module's queries: people, groups, memberships, settings, offers and the change feed. */
import type { DialectName, Queryable } from '../db/database.ts';
import type { IdentityGroupRow, IdentityOfferRow, IdentityPersonRow } from './rows.ts';

export async function findPerson(q: Queryable, id: string, opts: { lock?: DialectName } = {}): Promise<IdentityPersonRow | undefined> {
  let query = q.selectFrom('identity_people').selectAll().where('id', '=', id);
  if (opts.lock === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Live (not deleted) people, optionally narrowed by one indexed equality. */
export async function listPeople(q: Queryable, hint?: { column: 'user_name_lower' | 'external_id' | 'id' | 'ref'; value: string }): Promise<IdentityPersonRow[]> {
  let query = q.selectFrom('identity_people').selectAll().where('deleted', '=', 0);
  if (hint) query = query.where(hint.column, '=', hint.value);
  return query.orderBy('created_at').orderBy('id').execute();
}

/** One page of live people in creation order, and how many there are. */
export async function pagePeople(q: Queryable, offset: number, limit: number): Promise<{ total: number; rows: IdentityPersonRow[] }> {
  const total = await q.selectFrom('identity_people').select((eb) => eb.fn.countAll().as('n')).where('deleted', '=', 0).executeTakeFirstOrThrow();
  const rows = limit === 0 ? [] : await q.selectFrom('identity_people').selectAll().where('deleted', '=', 0).orderBy('created_at').orderBy('id').offset(offset).limit(limit).execute();
  return { total: Number(total.n), rows };
}

/** One page of groups in creation order, and how many there are. */
export async function pageGroups(q: Queryable, offset: number, limit: number): Promise<{ total: number; rows: IdentityGroupRow[] }> {
  const total = await q.selectFrom('identity_groups').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const rows = limit === 0 ? [] : await q.selectFrom('identity_groups').selectAll().orderBy('created_at').orderBy('id').offset(offset).limit(limit).execute();
  return { total: Number(total.n), rows };
}

export async function findPersonByRef(q: Queryable, ref: string): Promise<IdentityPersonRow | undefined> {
  return q.selectFrom('identity_people').selectAll().where('ref', '=', ref).where('deleted', '=', 0).orderBy('active', 'desc').executeTakeFirst();
}

export async function userNameTaken(q: Queryable, lower: string, exceptId: string | null): Promise<boolean> {
  let query = q.selectFrom('identity_people').select('id').where('user_name_lower', '=', lower);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertPerson(q: Queryable, row: IdentityPersonRow): Promise<void> {
  await q.insertInto('identity_people').values(row).execute();
}

export async function updatePerson(q: Queryable, row: IdentityPersonRow): Promise<void> {
  const { id, ...cols } = row;
  await q.updateTable('identity_people').set(cols).where('id', '=', id).execute();
}

/** The groups of some people: person id → [{id, displayName}]. */
export async function groupsOfPeople(q: Queryable, ids: readonly string[]): Promise<Map<string, { id: string; display_name: string }[]>> {
  const out = new Map<string, { id: string; display_name: string }[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await q
      .selectFrom('identity_members')
      .innerJoin('identity_groups', 'identity_groups.id', 'identity_members.group_id')
      .select(['identity_members.person_id as person_id', 'identity_groups.id as id', 'identity_groups.display_name as display_name'])
      .where('identity_members.person_id', 'in', ids.slice(i, i + 500))
      .orderBy('identity_groups.display_name')
      .execute();
    for (const r of rows) {
      const list = out.get(r.person_id) ?? [];
      list.push({ id: r.id, display_name: r.display_name });
      out.set(r.person_id, list);
    }
  }
  return out;
}

export async function deleteMembershipsOfPerson(q: Queryable, personId: string): Promise<string[]> {
  const groups = await q.selectFrom('identity_members').select('group_id').where('person_id', '=', personId).execute();
  await q.deleteFrom('identity_members').where('person_id', '=', personId).execute();
  return groups.map((g) => g.group_id);
}

export async function findGroup(q: Queryable, id: string, opts: { lock?: DialectName } = {}): Promise<IdentityGroupRow | undefined> {
  let query = q.selectFrom('identity_groups').selectAll().where('id', '=', id);
  if (opts.lock === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listGroups(q: Queryable, hint?: { column: 'display_name_lower' | 'external_id' | 'id'; value: string }): Promise<IdentityGroupRow[]> {
  let query = q.selectFrom('identity_groups').selectAll();
  if (hint) query = query.where(hint.column, '=', hint.value);
  return query.orderBy('created_at').orderBy('id').execute();
}

export async function groupNameTaken(q: Queryable, lower: string, exceptId: string | null): Promise<boolean> {
  let query = q.selectFrom('identity_groups').select('id').where('display_name_lower', '=', lower);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertGroup(q: Queryable, row: IdentityGroupRow): Promise<void> {
  await q.insertInto('identity_groups').values(row).execute();
}

export async function updateGroup(q: Queryable, row: IdentityGroupRow): Promise<void> {
  const { id, ...cols } = row;
  await q.updateTable('identity_groups').set(cols).where('id', '=', id).execute();
}

export async function deleteGroup(q: Queryable, id: string): Promise<void> {
  await q.deleteFrom('identity_members').where('group_id', '=', id).execute();
  await q.deleteFrom('identity_groups').where('id', '=', id).execute();
}

/** Members of some groups: group id → [{id, display}] (live people only). */
export async function membersOfGroups(q: Queryable, ids: readonly string[]): Promise<Map<string, { id: string; display: string }[]>> {
  const out = new Map<string, { id: string; display: string }[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await q
      .selectFrom('identity_members')
      .innerJoin('identity_people', 'identity_people.id', 'identity_members.person_id')
      .select(['identity_members.group_id as group_id', 'identity_people.id as id', 'identity_people.user_name as user_name', 'identity_people.display_name as display_name'])
      .where('identity_members.group_id', 'in', ids.slice(i, i + 500))
      .where('identity_people.deleted', '=', 0)
      .orderBy('identity_people.user_name')
      .execute();
    for (const r of rows) {
      const list = out.get(r.group_id) ?? [];
      list.push({ id: r.id, display: r.display_name ?? r.user_name });
      out.set(r.group_id, list);
    }
  }
  return out;
}

export async function replaceMembers(q: Queryable, groupId: string, personIds: readonly string[]): Promise<void> {
  await q.deleteFrom('identity_members').where('group_id', '=', groupId).execute();
  for (let i = 0; i < personIds.length; i += 500) {
    const chunk = personIds.slice(i, i + 500);
    if (chunk.length > 0) await q.insertInto('identity_members').values(chunk.map((person_id) => ({ group_id: groupId, person_id }))).execute();
  }
}

/** Which of these ids are live people. */
export async function livePeopleIds(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (chunk.length === 0) continue;
    for (const r of await q.selectFrom('identity_people').select('id').where('id', 'in', chunk).where('deleted', '=', 0).execute()) out.add(r.id);
  }
  return out;
}

export async function recordChanges(q: Queryable, personIds: readonly string[], at: number): Promise<void> {
  const unique = [...new Set(personIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    if (chunk.length > 0) await q.insertInto('identity_changes').values(chunk.map((person_id) => ({ person_id, changed_at: at }))).execute();
  }
}

export async function changesSince(q: Queryable, afterSeq: number, sinceMs: number): Promise<{ seq: number | string; person_id: string }[]> {
  return q
    .selectFrom('identity_changes')
    .select(['seq', 'person_id'])
    .where((eb) => eb.or([eb('seq', '>', afterSeq), eb('changed_at', '>', sinceMs)]))
    .orderBy('seq')
    .execute();
}

export async function lastChangeSeq(q: Queryable): Promise<number> {
  const r = await q.selectFrom('identity_changes').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
  return Number(r?.m ?? 0);
}

export async function pruneChanges(q: Queryable, beforeMs: number): Promise<void> {
  await q.deleteFrom('identity_changes').where('changed_at', '<', beforeMs).execute();
}

export async function getSetting(q: Queryable, key: string): Promise<unknown> {
  const r = await q.selectFrom('identity_settings').select('value').where('key', '=', key).executeTakeFirst();
  return r ? (JSON.parse(r.value) as unknown) : undefined;
}

export async function putSetting(q: Queryable, key: string, value: unknown, at: string, by: string): Promise<void> {
  const v = JSON.stringify(value);
  await q
    .insertInto('identity_settings')
    .values({ key, value: v, updated_at: at, updated_by: by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: v, updated_at: at, updated_by: by }))
    .execute();
}

export async function insertOffer(q: Queryable, row: IdentityOfferRow): Promise<void> {
  await q.insertInto('identity_offers').values(row).execute();
}

export async function openOfferOf(q: Queryable, app: string): Promise<IdentityOfferRow | undefined> {
  return q.selectFrom('identity_offers').selectAll().where('app_name', '=', app).where('status', '=', 'open').executeTakeFirst();
}

export async function findOffer(q: Queryable, id: string, opts: { lock?: DialectName } = {}): Promise<IdentityOfferRow | undefined> {
  let query = q.selectFrom('identity_offers').selectAll().where('id', '=', id);
  if (opts.lock === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listOffers(q: Queryable, f: { to?: string; status?: string }): Promise<IdentityOfferRow[]> {
  let query = q.selectFrom('identity_offers').selectAll();
  if (f.to !== undefined) query = query.where('to_ref', '=', f.to);
  if (f.status !== undefined) query = query.where('status', '=', f.status);
  return query.orderBy('created_at', 'desc').orderBy('id').limit(1000).execute();
}

export async function closeOffer(q: Queryable, id: string, status: 'accepted' | 'declined', at: string, by: string): Promise<boolean> {
  const r = await q.updateTable('identity_offers').set({ status, decided_at: at, decided_by: by }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
