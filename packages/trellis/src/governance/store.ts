/** Queries on the governance module's tables; the only code that touches them. */
import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { GovernanceReviewRow, GovernanceRiskOverrideRow } from './rows.ts';

export type ReviewRow = Selectable<GovernanceReviewRow>;

export async function insertReview(q: Queryable, row: GovernanceReviewRow): Promise<void> {
  await q.insertInto('governance_reviews').values(row).execute();
}

export async function findReview(q: Queryable, id: string): Promise<ReviewRow | undefined> {
  const row = await q.selectFrom('governance_reviews').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? normalise(row) : undefined;
}

function normalise(r: ReviewRow): ReviewRow {
  return { ...r, version: Number(r.version), risk_score: Number(r.risk_score), decision_ms: r.decision_ms === null ? null : Number(r.decision_ms) };
}

/** The open review of an app, if any (at most one is open at a time). */
export async function openReviewOf(q: Queryable, app: string): Promise<ReviewRow | undefined> {
  const row = await q.selectFrom('governance_reviews').selectAll().where('app_name', '=', app).where('status', '=', 'open').executeTakeFirst();
  return row ? normalise(row) : undefined;
}

/** Close a review if it is still open: false when someone else closed it first. */
export async function closeReview(
  q: Queryable,
  id: string,
  cols: Pick<GovernanceReviewRow, 'status' | 'decided_at' | 'decided_by' | 'decided_by_name' | 'decided_by_subject' | 'comment' | 'checklist' | 'decision_ms'>,
): Promise<boolean> {
  const r = await q.updateTable('governance_reviews').set(cols).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Reviews newest first (or, for the open queue, oldest first: first come, first decided), keyset-paged by (submitted_at, id). */
export async function listReviews(q: Queryable, f: { status?: string; app?: string; after?: { at: string; id: string }; limit: number }): Promise<ReviewRow[]> {
  const oldestFirst = f.status === 'open';
  let query = q.selectFrom('governance_reviews').selectAll();
  if (f.status !== undefined) query = query.where('status', '=', f.status);
  if (f.app !== undefined) query = query.where('app_name', '=', f.app);
  if (f.after) {
    const { at, id } = f.after;
    query = oldestFirst
      ? query.where((eb) => eb.or([eb('submitted_at', '>', at), eb.and([eb('submitted_at', '=', at), eb('id', '>', id)])]))
      : query.where((eb) => eb.or([eb('submitted_at', '<', at), eb.and([eb('submitted_at', '=', at), eb('id', '<', id)])]));
  }
  const dir = oldestFirst ? 'asc' : 'desc';
  const rows = await query.orderBy('submitted_at', dir).orderBy('id', dir).limit(f.limit).execute();
  return rows.map(normalise);
}

export async function readSettings(q: Queryable): Promise<Map<string, string>> {
  const rows = await q.selectFrom('governance_settings').select(['key', 'value']).execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeSetting(q: Queryable, key: string, value: string, at: string, by: string): Promise<void> {
  await q
    .insertInto('governance_settings')
    .values({ key, value, updated_at: at, updated_by: by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at, updated_by: by }))
    .execute();
}

export async function findRiskOverride(q: Queryable, app: string): Promise<GovernanceRiskOverrideRow | undefined> {
  return q.selectFrom('governance_risk_overrides').selectAll().where('app_name', '=', app).executeTakeFirst();
}

export async function putRiskOverride(q: Queryable, row: GovernanceRiskOverrideRow): Promise<void> {
  await q
    .insertInto('governance_risk_overrides')
    .values(row)
    .onConflict((oc) => oc.column('app_name').doUpdateSet({ tier: row.tier, reason: row.reason, by_id: row.by_id, by_name: row.by_name, at: row.at }))
    .execute();
}

export async function deleteRiskOverride(q: Queryable, app: string): Promise<boolean> {
  const r = await q.deleteFrom('governance_risk_overrides').where('app_name', '=', app).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
