/**
 * The dashboard's summary, assembled from store.ts's aggregates: fixed buckets (every status,
 * every week, every day present, zeros included) so a chart's axis never depends on which
 * values happen to exist, and counts a screen reader can read as they are.
 */
import type { Db } from '../db/database.ts';
import { appsBy, auditCountsSince, openReviews, registrationsSince } from './store.ts';

export interface Bucket {
  key: string;
  count: number;
}

export interface Insights {
  generated_at: string;
  apps: { total: number; by_status: Bucket[]; by_tier: Bucket[]; by_risk: Bucket[] };
  /** Registrations per week (weeks start Monday, UTC), oldest first; `total` is the catalog's size at the week's end. */
  growth: { week: string; registrations: number; total: number }[];
  reviews: { open: number; oldest_submitted_at: string | null; oldest_age_hours: number | null; by_age: Bucket[] };
  /** Per UTC day, oldest first: policy decisions and what was refused or held. */
  activity: { day: string; decisions_allowed: number; decisions_denied: number; gateway_refused: number; exports_blocked: number; exports_quarantined: number }[];
}

// The catalog's vocabularies, in the order a reader expects (catalog/lifecycle.ts, vocabulary.ts).
const statuses = ['draft', 'pending_review', 'approved', 'rejected', 'suspended', 'retired'];
const tiers = ['public', 'internal', 'confidential', 'restricted'];
const risks = ['low', 'medium', 'high', 'critical'];

export const growthWeeks = 26;
export const activityDays = 30;
const DAY = 86_400_000;

// Every operation the gateway audits as `gateway.<op>` (gateway/service.ts), and the summary a
// burst of refusals of one kind becomes (auth/aggregated-audit.ts).
const gatewayOps = ['query', 'insert', 'update', 'delete', 'http', 'export'];
const gatewayActions = gatewayOps.flatMap((op) => [`gateway.${op}`, `gateway.${op}.overflow`]);
const refusalActions = [...gatewayActions, 'export.blocked', 'export.quarantined'];

/** Known keys first in their order (zeros included), then any other stored value, then null under `unset`. */
function buckets(counts: Map<string | null, number>, known: readonly string[], unset: string): Bucket[] {
  const out = known.map((key) => ({ key, count: counts.get(key) ?? 0 }));
  for (const [key, count] of counts) if (key !== null && !known.includes(key)) out.push({ key, count });
  const none = counts.get(null);
  if (none) out.push({ key: unset, count: none });
  return out;
}

const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** Midnight UTC of the Monday of the week holding `t`. */
function mondayOf(t: number): number {
  const d = new Date(t);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return midnight - ((d.getUTCDay() + 6) % 7) * DAY;
}

export async function computeInsights(db: Db, now = new Date()): Promise<Insights> {
  const t = now.getTime();
  const firstWeek = mondayOf(t) - (growthWeeks - 1) * 7 * DAY;
  const firstDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (activityDays - 1) * DAY;
  const ageBounds = [1, 3, 7].map((d) => new Date(t - d * DAY).toISOString());
  const activitySince = new Date(firstDay).toISOString();

  // One after another: SQLite has one connection, and on PostgreSQL these are milliseconds each.
  const byStatus = await appsBy(db, 'status');
  const byTier = await appsBy(db, 'classification');
  const byRisk = await appsBy(db, 'risk_tier');
  const registrations = await registrationsSince(db, new Date(firstWeek).toISOString());
  const queue = await openReviews(db, ageBounds);
  const decisions = await auditCountsSince(db, ['policy.decision'], ['success', 'failure'], activitySince);
  const refusals = await auditCountsSince(db, refusalActions, ['failure'], activitySince);

  const total = [...byStatus.values()].reduce((a, b) => a + b, 0);

  let running = registrations.before;
  const growth = Array.from({ length: growthWeeks }, (_, i) => {
    const start = firstWeek + i * 7 * DAY;
    let n = 0;
    for (let d = 0; d < 7; d++) n += registrations.days.get(dayOf(start + d * DAY)) ?? 0;
    running += n;
    return { week: dayOf(start), registrations: n, total: running };
  });

  const activity = Array.from({ length: activityDays }, (_, i) => ({ day: dayOf(firstDay + i * DAY), decisions_allowed: 0, decisions_denied: 0, gateway_refused: 0, exports_blocked: 0, exports_quarantined: 0 }));
  const dayIndex = new Map(activity.map((a, i) => [a.day, i]));
  for (const r of [...decisions, ...refusals]) {
    const a = activity[dayIndex.get(r.day) ?? -1];
    // An event stamped after `now` (a clock ahead on another replica) has no day here.
    if (!a) continue;
    if (r.action === 'policy.decision') {
      if (r.outcome === 'success') a.decisions_allowed += r.n;
      else a.decisions_denied += r.n;
    } else if (r.action === 'export.blocked') a.exports_blocked += r.n;
    else if (r.action === 'export.quarantined') a.exports_quarantined += r.n;
    else a.gateway_refused += r.n;
  }

  const [within1, within3, within7] = queue.after as [number, number, number];
  return {
    generated_at: now.toISOString(),
    apps: { total, by_status: buckets(byStatus, statuses, 'unknown'), by_tier: buckets(byTier, tiers, 'unclassified'), by_risk: buckets(byRisk, risks, 'unscored') },
    growth,
    reviews: {
      open: queue.open,
      oldest_submitted_at: queue.oldest,
      oldest_age_hours: queue.oldest ? Math.max(0, Math.floor((t - Date.parse(queue.oldest)) / 3_600_000)) : null,
      by_age: [
        { key: 'under_1d', count: within1 },
        { key: '1d_to_3d', count: within3 - within1 },
        { key: '3d_to_7d', count: within7 - within3 },
        { key: 'over_7d', count: queue.open - within7 },
      ],
    },
    activity,
  };
}
