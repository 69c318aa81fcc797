/** The shape of GET /api/v1/insights (packages/trellis/src/insights/routes.ts), as the dashboard reads it. */
export interface Bucket {
  key: string;
  count: number;
}

export interface ActivityDay {
  day: string;
  decisions_allowed: number;
  decisions_denied: number;
  gateway_refused: number;
  exports_blocked: number;
  exports_quarantined: number;
}

export interface Insights {
  generated_at: string;
  apps: { total: number; by_status: Bucket[]; by_tier: Bucket[]; by_risk: Bucket[] };
  growth: { week: string; registrations: number; total: number }[];
  reviews: { open: number; oldest_submitted_at: string | null; oldest_age_hours: number | null; by_age: Bucket[] };
  activity: ActivityDay[];
}
