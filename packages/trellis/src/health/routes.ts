/**
 * Liveness and readiness, outside /api so load balancers need no token: /healthz answers while
 * the process runs; /readyz only when the database answers and the server is not draining.
 * Neither reveals anything beyond up/down.
 */
import type { FastifyInstance } from 'fastify';
import { ping, type Database } from '../db/database.ts';

export function healthRoutes(app: FastifyInstance, deps: { database: Database; isDraining: () => boolean }): void {
  const statusSchema = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] };
  app.get('/healthz', { config: { public: true }, schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { response: { 200: statusSchema, 503: statusSchema } } }, async (_req, reply) => {
    if (deps.isDraining()) return reply.code(503).send({ status: 'draining' });
    try {
      await ping(deps.database);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });
}
