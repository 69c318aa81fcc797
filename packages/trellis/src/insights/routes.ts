/** `GET /api/v1/insights`: the dashboard's summary (service.ts), for anyone who may list apps. */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../module.ts';
import { responses, type JsonSchema } from '../http/schemas.ts';
import { activityDays, computeInsights, growthWeeks } from './service.ts';

const count = { type: 'integer', minimum: 0 };
const buckets = (description: string): JsonSchema => ({
  type: 'array',
  description,
  items: { type: 'object', properties: { key: { type: 'string' }, count }, required: ['key', 'count'], additionalProperties: false },
});

const insightsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    generated_at: { type: 'string', format: 'date-time' },
    apps: {
      type: 'object',
      additionalProperties: false,
      properties: {
        total: count,
        by_status: buckets('every lifecycle status, zeros included'),
        by_tier: buckets('effective data classification tier; `unclassified` for apps with none'),
        by_risk: buckets('risk tier in force (an override included); `unscored` for apps not yet assessed'),
      },
      required: ['total', 'by_status', 'by_tier', 'by_risk'],
    },
    growth: {
      type: 'array',
      description: `registrations per week for the last ${growthWeeks} weeks (weeks start Monday, UTC), oldest first; total is the number of apps at the week's end`,
      items: { type: 'object', additionalProperties: false, properties: { week: { type: 'string', format: 'date' }, registrations: count, total: count }, required: ['week', 'registrations', 'total'] },
    },
    reviews: {
      type: 'object',
      additionalProperties: false,
      properties: {
        open: count,
        oldest_submitted_at: { type: ['string', 'null'] },
        oldest_age_hours: { type: ['integer', 'null'] },
        by_age: buckets('open reviews by time since submission: under_1d, 1d_to_3d, 3d_to_7d, over_7d'),
      },
      required: ['open', 'oldest_submitted_at', 'oldest_age_hours', 'by_age'],
    },
    activity: {
      type: 'array',
      description: `per UTC day for the last ${activityDays} days, oldest first, counted from the audit trail`,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          day: { type: 'string', format: 'date' },
          decisions_allowed: { ...count, description: 'policy decisions that allowed (policy.decision, success)' },
          decisions_denied: { ...count, description: 'policy decisions that denied (policy.decision, failure)' },
          gateway_refused: { ...count, description: 'gateway calls refused (gateway.*, failure)' },
          exports_blocked: { ...count, description: 'exports blocked (export.blocked)' },
          exports_quarantined: { ...count, description: 'exports held for review (export.quarantined)' },
        },
        required: ['day', 'decisions_allowed', 'decisions_denied', 'gateway_refused', 'exports_blocked', 'exports_quarantined'],
      },
    },
  },
  required: ['generated_at', 'apps', 'growth', 'reviews', 'activity'],
};

export function insightsRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/api/v1/insights',
    {
      config: { permission: 'apps:read' },
      schema: {
        summary: 'A summary for the dashboard: apps by status, tier and risk, weekly registrations, the review queue by age, and decisions and refusals per day',
        tags: ['insights'],
        response: responses({ 200: insightsSchema }),
      },
    },
    async () => computeInsights(services.database.db),
  );
}
