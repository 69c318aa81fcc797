/** The gateway's queries: quota overrides and usage increments. Only this file touches its tables. */
import type { Queryable } from '../db/database.ts';
import type { GatewayQuotaRow, GatewayUsageRow } from './rows.ts';

export function allQuotas(q: Queryable): Promise<GatewayQuotaRow[]> {
  return q.selectFrom('gateway_quotas').selectAll().execute();
}

export async function putQuota(q: Queryable, row: GatewayQuotaRow): Promise<void> {
  await q
    .insertInto('gateway_quotas')
    .values(row)
    .onConflict((oc) => oc.column('app').doUpdateSet({ requests_per_minute: row.requests_per_minute, records_per_day: row.records_per_day, bytes_per_day: row.bytes_per_day, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

/** Add this replica's counts to the shared totals (one statement per thousand rows). */
export async function addUsage(q: Queryable, rows: GatewayUsageRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await q
      .insertInto('gateway_usage')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.columns(['app', 'period']).doUpdateSet((eb) => ({
          requests: eb('gateway_usage.requests', '+', eb.ref('excluded.requests')),
          records: eb('gateway_usage.records', '+', eb.ref('excluded.records')),
          bytes: eb('gateway_usage.bytes', '+', eb.ref('excluded.bytes')),
        })),
      )
      .execute();
  }
}

export function usageOf(q: Queryable, periods: readonly string[]): Promise<GatewayUsageRow[]> {
  return q.selectFrom('gateway_usage').selectAll().where('period', 'in', [...periods]).execute();
}

/** Minute rows older than `minute` and day rows older than `day` (both period keys). */
export function deleteUsageBefore(q: Queryable, minute: string, day: string): Promise<unknown> {
  return q
    .deleteFrom('gateway_usage')
    .where((eb) => eb.or([eb.and([eb('period', 'like', 'm:%'), eb('period', '<', minute)]), eb.and([eb('period', 'like', 'd:%'), eb('period', '<', day)])]))
    .execute();
}
