/**
 * The insights module: one read-only summary of the installation for the console's dashboard
 * (`GET /api/v1/insights`) — apps by status, data tier and risk tier, registrations per week,
 * the review queue's age, and what was decided and blocked per day. Every figure is an aggregate
 * query over the other modules' tables, so the answer costs the same at 10 apps as at 100,000
 * (docs/insights.md).
 */
import type { TrellisModule } from '../module.ts';

export type { Insights } from './service.ts';

export const insightsModule: TrellisModule = {
  name: 'insights',
  migrations: async (dialect) => (await import('./migrations.ts')).insightsMigrations(dialect),
  routes: async (app, services) => (await import('./routes.ts')).insightsRoutes(app, services),
};
