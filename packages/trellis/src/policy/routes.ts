/**
 * REST routes of the policy module: thin handlers over PolicyService. Every route declares its
 * params, query, body and per-status responses (generated from policy/schema.ts) and the
 * permission it needs: reading bundles (policy:read), pushing them (policy:write), changing
 * which one is in force (policy:activate) and the playground with its test runs (policy:eval).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, hasPermission, requirePrincipal } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { jsonSchema, responses, type JsonSchema } from '../http/schemas.ts';
import {
  activeStateSchema,
  bundleDetailSchema,
  bundleDiffSchema,
  bundleListQuerySchema,
  bundleListSchema,
  diffQuerySchema,
  evalBodySchema,
  evalResultSchema,
  pushBodySchema,
  pushResultSchema,
  testRunBodySchema,
  testRunSchema,
  type BundleListQuery,
  type EvalBody,
  type PushBody,
  type TestRunBody,
} from './schema.ts';
import type { Caller, PolicyService } from './service.ts';
import { bundleLimits } from './source.ts';

const versionParams: JsonSchema = { type: 'object', properties: { version: { type: 'integer', minimum: 1, maximum: 1_000_000_000 } }, required: ['version'], additionalProperties: false };

function callerOf(req: FastifyRequest): Caller {
  return { actor: actorOf(requirePrincipal(req)), srcIp: req.ip };
}

export function policyRoutes(app: FastifyInstance, deps: { policy: PolicyService }): void {
  const { policy } = deps;
  const tags = ['policy'];
  // A bundle may hold 2 MiB of modules and data (source.ts), more once escaped as JSON: the
  // routes that take one accept that much even where the server's general limit is lower.
  const bundleBodyLimit = Math.max(app.initialConfig.bodyLimit ?? 0, bundleLimits.maxTotalBytes * 2);

  app.post<{ Body: PushBody }>(
    '/api/v1/policy/bundles',
    {
      config: { permission: 'policy:write' },
      bodyLimit: bundleBodyLimit,
      schema: {
        summary: 'Store a new policy bundle version: it must parse, compile and pass all its tests (422 with the reasons otherwise, nothing stored); activate: true also activates it',
        tags,
        body: jsonSchema(pushBodySchema),
        response: responses({ 201: jsonSchema(pushResultSchema) }),
      },
    },
    async (req, reply) => {
      const { activate, ...input } = req.body;
      const caller = callerOf(req);
      // Activating is its own permission: a push that asks for it needs both.
      if (activate && !hasPermission(requirePrincipal(req), 'policy:activate')) throw new AppError('forbidden', 'activate: true needs the policy:activate permission as well; push without it and ask an admin to activate the version');
      return reply.code(201).send(await policy.push(caller, input, { activate }));
    },
  );

  app.get<{ Querystring: BundleListQuery }>(
    '/api/v1/policy/bundles',
    {
      config: { permission: 'policy:read' },
      schema: { summary: 'List policy bundle versions, newest first; page with before', tags, querystring: jsonSchema(bundleListQuerySchema), response: responses({ 200: jsonSchema(bundleListSchema) }) },
    },
    async (req) => policy.list(req.query),
  );

  app.get<{ Params: { version: number } }>(
    '/api/v1/policy/bundles/:version',
    { config: { permission: 'policy:read' }, schema: { summary: 'Show a bundle version with its modules and data files', tags, params: versionParams, response: responses({ 200: jsonSchema(bundleDetailSchema) }) } },
    async (req) => policy.get(req.params.version),
  );

  app.get<{ Params: { version: number }; Querystring: { against: number } }>(
    '/api/v1/policy/bundles/:version/diff',
    {
      config: { permission: 'policy:read' },
      schema: { summary: 'What changed from version `against` to this one: files added, removed and changed, each with a unified diff', tags, params: versionParams, querystring: jsonSchema(diffQuerySchema), response: responses({ 200: jsonSchema(bundleDiffSchema) }) },
    },
    async (req) => policy.diff(req.params.version, req.query.against),
  );

  app.post<{ Params: { version: number } }>(
    '/api/v1/policy/bundles/:version/activate',
    { config: { permission: 'policy:activate' }, schema: { summary: 'Activate a stored bundle version (every replica within a second)', tags, params: versionParams, response: responses({ 200: jsonSchema(activeStateSchema) }) } },
    async (req) => policy.activate(callerOf(req), req.params.version),
  );

  app.post(
    '/api/v1/policy/rollback',
    { config: { permission: 'policy:activate' }, schema: { summary: 'Re-activate the bundle that was in force before the current one', tags, response: responses({ 200: jsonSchema(activeStateSchema) }) } },
    async (req) => policy.rollback(callerOf(req)),
  );

  app.get(
    '/api/v1/policy/active',
    { config: { permission: 'policy:read' }, schema: { summary: 'The bundle in force, the one this server holds in memory, and recent activations', tags, response: responses({ 200: jsonSchema(activeStateSchema) }) } },
    async () => policy.activeState(),
  );

  app.post<{ Body: EvalBody }>(
    '/api/v1/policy/eval',
    {
      config: { permission: 'policy:eval' },
      bodyLimit: bundleBodyLimit,
      schema: {
        summary: 'Playground: evaluate a query, or decide at a decision point, under the active, a stored or a draft bundle; lists the rules that produced the result',
        tags,
        body: jsonSchema(evalBodySchema),
        response: responses({ 200: jsonSchema(evalResultSchema) }),
      },
    },
    async (req) => policy.evaluate(req.body),
  );

  app.post<{ Body: TestRunBody }>(
    '/api/v1/policy/test',
    {
      config: { permission: 'policy:eval' },
      bodyLimit: bundleBodyLimit,
      schema: {
        summary: "Run a bundle's tests (the active bundle, a stored version or a draft) and list every result, storing nothing; a draft that does not compile is 422 with located errors",
        tags,
        body: jsonSchema(testRunBodySchema),
        response: responses({ 200: jsonSchema(testRunSchema) }),
      },
    },
    async (req) => policy.runTests(req.body),
  );
}
