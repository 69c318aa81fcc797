/**
 * The insights module: one read-only summary of the installation for the console's dashboard
 * (`GET /api/v1/insights`) — apps by status, data tier and risk tier, registrations per week,
 * the review queue's age, and what was decided and blocked per day. Every figure is one aggregate
 * query over an index of the other modules' tables, never a query per app (docs/insights.md).
 */
import type { TrellisModule } from '../module.ts';

export const insightsModule: TrellisModule = {
  name: 'insights',
  migrations: async (dialect) => (await import('./migrations.ts')).insightsMigrations(dialect),
  routes: async (app, services) => (await import('./routes.ts')).insightsRoutes(app, services),
};
