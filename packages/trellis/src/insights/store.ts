/**
 * The insights module's queries: each one GROUP BY or one pass of counts over an index, never a
 * row per app. They read other modules' tables (catalog_apps, governance_reviews, audit_events)
 * without writing them: a summary across modules has no single owner, and going through each
 * module's service would load every row to count it.
 *
 * Times are ISO-8601 UTC text in every table, so a day is the first ten characters and
 * comparing text compares instants.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

type Count = number | string | bigint;

/** PostgreSQL answers count(*) as a string (bigint); SQLite as a number. */
const num = (n: Count | null | undefined): number => Number(n ?? 0);

/** How many apps hold each value of a column (null counted as its own key). */
export async function appsBy(db: Db, column: 'status' | 'classification' | 'risk_tier'): Promise<Map<string | null, number>> {
  const rows = await db
    .selectFrom('catalog_apps')
    .select([column, (eb) => eb.fn.countAll<Count>().as('n')])
    .groupBy(column)
    .execute();
  return new Map(rows.map((r) => [(r as Record<string, unknown>)[column] as string | null, num(r.n)]));
}

/** Registrations per UTC day from `since` (inclusive), and how many apps were registered before it. */
export async function registrationsSince(db: Db, since: string): Promise<{ before: number; days: Map<string, number> }> {
  const day = sql<string>`substr(created_at, 1, 10)`;
  const [rows, before] = await Promise.all([
    db
      .selectFrom('catalog_apps')
      .select([day.as('day'), (eb) => eb.fn.countAll<Count>().as('n')])
      .where('created_at', '>=', since)
      .groupBy(day)
      .execute(),
    db.selectFrom('catalog_apps').select((eb) => eb.fn.countAll<Count>().as('n')).where('created_at', '<', since).executeTakeFirstOrThrow(),
  ]);
  return { before: num(before.n), days: new Map(rows.map((r) => [r.day, num(r.n)])) };
}

/** The open reviews: how many, the oldest submission, and how many were submitted after each bound (newest first). */
export async function openReviews(db: Db, bounds: readonly string[]): Promise<{ open: number; oldest: string | null; after: number[] }> {
  const row = await db
    .selectFrom('governance_reviews')
    .select((eb) => [
      eb.fn.countAll<Count>().as('open'),
      eb.fn.min('submitted_at').as('oldest'),
      // Literal 1 and 0: PostgreSQL cannot type a bound parameter inside sum().
      ...bounds.map((b, i) => sql<Count>`sum(case when submitted_at > ${b} then 1 else 0 end)`.as(`after_${i}`)),
    ])
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  const r = row as Record<string, Count | null>;
  return { open: num(r.open), oldest: (row.oldest as string | null) ?? null, after: bounds.map((_, i) => num(r[`after_${i}`])) };
}

/** Audit events per UTC day and action and outcome, from `since`, of the given actions and outcomes. */
export async function auditCountsSince(db: Db, actions: readonly string[], outcomes: readonly string[], since: string): Promise<{ day: string; action: string; outcome: string; n: number }[]> {
  const day = sql<string>`substr(time, 1, 10)`;
  const rows = await db
    .selectFrom('audit_events')
    .select([day.as('day'), 'action', 'outcome', (eb) => eb.fn.countAll<Count>().as('n')])
    .where('action', 'in', actions)
    .where('outcome', 'in', outcomes)
    .where('time', '>=', since)
    .groupBy([day, 'action', 'outcome'])
    .execute();
  return rows.map((r) => ({ day: r.day, action: r.action, outcome: r.outcome, n: num(r.n) }));
}
