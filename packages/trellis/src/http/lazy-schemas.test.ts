/**
 * Schemas compiled on first use (lazy-schemas.ts) validate and serialize exactly as Fastify's
 * own compilers do: the same requests to two apps, one with each, get the same answers; and
 * every route of the real app has schemas that compile.
 */
import { afterAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { lazySchemas } from './lazy-schemas.ts';
import { buildApp } from '../app.ts';
import { createServices } from '../services.ts';
import { openSqliteTestDb } from '../../test/databases.ts';

const ajv = { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array' as const, useDefaults: true } };

function routes(app: FastifyInstance): FastifyInstance {
  app.post(
    '/items/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        querystring: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } }, limit: { type: 'integer', default: 10 } }, additionalProperties: false },
        body: { type: 'object', properties: { name: { type: 'string', minLength: 2 }, size: { type: 'number' } }, required: ['name'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } }, limit: { type: 'integer' }, name: { type: 'string' }, size: { type: 'number' } } } },
      },
    },
    // Echoes more than the response schema declares: the serializer must drop `secret`.
    async (req) => ({ ...(req.params as object), ...(req.query as object), ...(req.body as object), secret: 'never sent' }),
  );
  // A JSON number where a string is expected is coerced: Ajv replaces the root value itself.
  app.post('/text', { schema: { body: { type: 'string' } } }, async (req) => ({ body: req.body }));
  return app;
}

describe('schemas compiled on first use', () => {
  const eager = routes(Fastify({ ajv }));
  const schemas = lazySchemas();
  const lazy = routes(Fastify({ ajv, schemaController: { compilersFactory: schemas.compilersFactory } }));
  afterAll(async () => {
    await eager.close();
    await lazy.close();
  });

  it.each([
    ['valid, with coercion and a default', '/items/7?tags=a', { name: 'box', size: '2.5' }],
    ['several query values', '/items/7?tags=a&tags=b&limit=3', { name: 'box' }],
    ['bad parameter', '/items/zero', { name: 'box' }],
    ['parameter below the minimum', '/items/0', { name: 'box' }],
    ['every body error at once', '/items/7', { name: 'b', size: 'big', extra: true }],
    ['unknown query field', '/items/7?nope=1', { name: 'box' }],
    ['missing body', '/items/7', undefined],
  ])('%s: the same answer', async (_name, url, body) => {
    const request = { method: 'POST' as const, url, ...(body === undefined ? {} : { payload: body }) };
    const a = await eager.inject(request);
    const b = await lazy.inject(request);
    expect(b.statusCode).toBe(a.statusCode);
    expect(b.json()).toEqual(a.json());
    expect(b.body).not.toContain('never sent');
  });

  it('coerces a root value as before', async () => {
    const request = { method: 'POST' as const, url: '/text', payload: '5', headers: { 'content-type': 'application/json' } };
    const a = await eager.inject(request);
    const b = await lazy.inject(request);
    expect(a.json()).toEqual({ body: '5' });
    expect(b.statusCode).toBe(a.statusCode);
    expect(b.body).toBe(a.body);
  });

  it("compiles every schema of the real app's routes", async () => {
    const database = await openSqliteTestDb();
    const services = await createServices(database);
    const { app, compileSchemas } = await buildApp({ config: { bodyLimit: 1024 * 1024, authFailureLimit: 1000, trustProxy: false, logLevel: 'silent' }, services });
    try {
      expect(() => compileSchemas()).not.toThrow();
    } finally {
      await app.close();
      await services.audit.stop();
      await database.close();
    }
  });
});
