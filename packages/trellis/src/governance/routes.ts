/**
 * Governance's REST routes: registration and updates that decide (`POST /api/v1/apps`,
 * `PUT /api/v1/apps/{name}`), status moves (submitting and withdrawing run through the
 * decision; approving and rejecting through the review queue), the review queue itself, risk
 * overrides, the settings, and impact analysis of a policy bundle. Thin handlers over
 * GovernanceService; shapes come from schema.ts and catalog's schemas.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../audit/index.ts';
import { actorOf, hasPermission, requirePrincipal } from '../auth/index.ts';
import type { AppStatus, CatalogService, ManifestInput, TransitionBody } from '../catalog/index.ts';
import { checkTransition, loadAppRouteParts, transitionPermission } from '../catalog/index.ts';
import { AppError } from '../errors.ts';
import { jsonSchema, responses, type JsonSchema } from '../http/schemas.ts';
import {
  decideBodySchema,
  impactBodySchema,
  impactResultSchema,
  reviewListQuerySchema,
  reviewListSchema,
  reviewSchema,
  riskOverrideBodySchema,
  samplesSchema,
  settingsPatchSchema,
  settingsSchema,
  type DecideBody,
  type ImpactBody,
  type ReviewListQuery,
} from './schema.ts';
import type { Asker, GovernanceService, Submission, Verdict } from './service.ts';


/**
 * A registration body: the manifest in any of the catalog's three forms, or
 * `{"manifest": <text or object>, "samples": [...]}` with sample records to scan.
 */
export function submissionOf(body: unknown, manifestInputOf: (body: unknown) => ManifestInput): Submission {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'samples' in body) {
    const { manifest, samples, ...rest } = body as { manifest?: unknown; samples?: unknown };
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new AppError('validation_failed', `unknown field ${extra[0]} beside manifest and samples`, { errors: extra.map((k) => ({ path: k, message: `unknown field "${k}"` })) });
    if (manifest === undefined) throw new AppError('validation_failed', 'manifest is required beside samples', { errors: [{ path: 'manifest', message: 'is required' }] });
    const parsed = samplesSchema.safeParse(samples);
    if (!parsed.success) throw new AppError('validation_failed', 'samples are not valid', { errors: parsed.error.issues.map((i) => ({ path: ['samples', ...i.path].map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`)).join('').replace(/^\./, '').replace(/\.\[/g, '['), message: i.message })) });
    return { manifest: typeof manifest === 'string' ? { text: manifest } : { value: manifest }, samples: parsed.data };
  }
  return { manifest: manifestInputOf(body) };
}

const reviewParams: JsonSchema = { type: 'object', properties: { id: { type: 'string', pattern: '^rev_[0-9a-f]{16}$' } }, required: ['id'], additionalProperties: false };

export async function governanceRoutes(app: FastifyInstance, deps: { governance: GovernanceService; catalog: CatalogService; audit: AuditLog }): Promise<void> {
  const { governance, catalog, audit } = deps;
  const { appDetailSchema, callerOf, manifestBody, manifestInputOf, nameParams, transitionBodySchema, transitionResultSchema } = await loadAppRouteParts();
  const askerOf = (req: FastifyRequest): Asker => ({ caller: callerOf(req), principal: requirePrincipal(req) });
  const reviewDetailSchema = z.object({
    review: reviewSchema,
    app: appDetailSchema,
    checklist: z.array(z.object({ item: z.string(), description: z.string() })),
    widening: z.array(z.string()),
  });
  const tags = ['catalog'];
  const reviewTags = ['reviews'];

  app.post<{ Body: unknown; Querystring: { draft?: boolean } }>(
    '/api/v1/apps',
    {
      config: { permission: 'apps:write' },
      schema: {
        summary: 'Register an app: validated, scanned for credentials, classified, scored and decided by the admission policy (approved, queued for review or rejected); ?draft=true keeps it as an assessed draft',
        tags,
        querystring: { type: 'object', properties: { draft: { type: 'boolean' } }, additionalProperties: false },
        body: { ...manifestBody, description: `${String(manifestBody.description)} Sample records to scan may come beside it: {"manifest": …, "samples": [{"connector", "resource", "records": [...]}]}.` },
        response: responses({ 201: jsonSchema(appDetailSchema) }),
      },
    },
    async (req, reply) => reply.code(201).send(await governance.register(askerOf(req), submissionOf(req.body, manifestInputOf), { draft: req.query.draft === true })),
  );

  app.put<{ Params: { name: string }; Body: unknown }>(
    '/api/v1/apps/:name',
    {
      config: { permission: 'apps:write' },
      schema: {
        summary: "Store a new version of an app's manifest (owners and admins only), decided like a registration; an update that widens an approved app's scope goes back to review while the approved version stays in force",
        tags,
        params: nameParams,
        body: manifestBody,
        response: responses({ 200: jsonSchema(appDetailSchema) }),
      },
    },
    async (req) => governance.update(askerOf(req), req.params.name, submissionOf(req.body, manifestInputOf)),
  );

  app.post<{ Params: { name: string }; Body: TransitionBody }>(
    '/api/v1/apps/:name/transitions',
    {
      config: { permission: 'apps:transition' },
      schema: {
        summary: 'Move an app to another status: pending_review submits a draft for a decision, draft withdraws it; approving and rejecting go through /api/v1/reviews; suspend, reinstate and retire are direct',
        tags,
        params: nameParams,
        body: jsonSchema(transitionBodySchema),
        response: responses({ 200: jsonSchema(transitionResultSchema) }),
      },
    },
    async (req) => {
      const asker = askerOf(req);
      const to = req.body.to as AppStatus;
      // The route admits anyone who may ask for a move; where the app is going decides who may make it.
      const needed = transitionPermission(to);
      if (!hasPermission(asker.principal, needed)) {
        await audit.record({
          class: 'api_activity',
          activity: 'other',
          action: 'authz.deny',
          actor: actorOf(asker.principal),
          resources: [{ type: 'app', id: req.params.name, name: req.params.name }],
          outcome: 'failure',
          message: `moving an app to ${to} needs ${needed}`,
          details: { permission: needed, method: req.method, route: req.routeOptions.url ?? '', to },
          srcIp: req.ip,
        });
        throw new AppError('forbidden', `role ${asker.principal.role} lacks permission ${needed}, which moving an app to ${to} needs`);
      }
      const current = await catalog.get(req.params.name);
      if (to === 'pending_review' && current.status === 'draft') return governance.submit(asker, req.params.name);
      if (to === 'draft' && current.status === 'pending_review') return governance.withdraw(asker, req.params.name, req.body.reason);
      // The kill switch stops the version in force even while an update of it waits for review.
      if (to === 'suspended' && current.status === 'pending_review' && current.approved_version !== null) return governance.suspendInForce(asker, req.params.name, req.body.reason);
      if (current.status === 'pending_review' && (to === 'approved' || to === 'rejected')) {
        const review = await governance.reviews.openOf(req.params.name);
        const check = checkTransition(current.status, to);
        throw new AppError('conflict', `${req.params.name} is decided through its review${review ? ` (POST /api/v1/reviews/${review.id}/${to === 'approved' ? 'approve' : 'reject'})` : ''}, where the checklist and separation of duties apply${check.ok ? '' : `; ${check.message}`}`, {
          extra: { from: current.status, to, ...(review ? { review: review.id } : {}) },
        });
      }
      return catalog.transition(asker.caller, req.params.name, to, req.body.reason);
    },
  );

  app.put<{ Params: { name: string }; Body: { tier: 'low' | 'medium' | 'high' | 'critical'; reason: string } }>(
    '/api/v1/apps/:name/risk-override',
    {
      config: { permission: 'governance:manage' },
      schema: {
        summary: "Override an app's risk tier with a recorded reason (kept across versions until removed)",
        tags,
        params: nameParams,
        body: jsonSchema(riskOverrideBodySchema),
        response: responses({ 200: jsonSchema(appDetailSchema) }),
      },
    },
    async (req) => governance.overrideRisk(askerOf(req), req.params.name, req.body),
  );

  app.delete<{ Params: { name: string } }>(
    '/api/v1/apps/:name/risk-override',
    {
      config: { permission: 'governance:manage' },
      schema: { summary: "Remove an app's risk override: the computed tier applies again", tags, params: nameParams, response: responses({ 200: jsonSchema(appDetailSchema) }) },
    },
    async (req) => governance.overrideRisk(askerOf(req), req.params.name, null),
  );

  app.get<{ Querystring: ReviewListQuery }>(
    '/api/v1/reviews',
    {
      config: { permission: 'reviews:read' },
      schema: { summary: 'Reviews: ?status=open is the queue, oldest first; otherwise newest first', tags: reviewTags, querystring: jsonSchema(reviewListQuerySchema), response: responses({ 200: jsonSchema(reviewListSchema) }) },
    },
    async (req) => governance.reviews.list(req.query),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/reviews/:id',
    {
      config: { permission: 'reviews:read' },
      schema: { summary: 'A review with the app, its classification, risk factors, policy messages and the checklist', tags: reviewTags, params: reviewParams, response: responses({ 200: jsonSchema(reviewDetailSchema) }) },
    },
    async (req) => governance.reviews.get(req.params.id),
  );

  const verdicts: [Verdict, string][] = [
    ['approve', 'Approve the version under review (every checklist item confirmed); it becomes the version in force'],
    ['reject', 'Reject the version under review, with a comment; an app in force keeps its approved version'],
    ['request-changes', 'Send the version back to its owner with a comment (a new app returns to draft)'],
  ];
  for (const [verdict, summary] of verdicts) {
    app.post<{ Params: { id: string }; Body: DecideBody }>(
      `/api/v1/reviews/:id/${verdict}`,
      {
        config: { permission: 'reviews:decide' },
        schema: { summary: `${summary}. Nobody decides on an app they own or submitted.`, tags: reviewTags, params: reviewParams, body: jsonSchema(decideBodySchema), response: responses({ 200: jsonSchema(reviewSchema) }) },
      },
      async (req) => governance.reviews.decide(askerOf(req), req.params.id, verdict, req.body ?? {}),
    );
  }

  app.get(
    '/api/v1/governance/settings',
    {
      config: { permission: 'governance:read' },
      schema: { summary: 'The tag → tier table and the risk weights and thresholds', tags: ['governance'], response: responses({ 200: jsonSchema(settingsSchema) }) },
    },
    async () => governance.settings(),
  );

  app.patch<{ Body: unknown }>(
    '/api/v1/governance/settings',
    {
      config: { permission: 'governance:manage' },
      schema: { summary: 'Change the tag → tier table, the risk weights and thresholds, or both (each replaced whole); applies to the next decision', tags: ['governance'], body: jsonSchema(settingsPatchSchema), response: responses({ 200: jsonSchema(settingsSchema) }) },
    },
    async (req) => governance.updateSettings(callerOf(req), req.body),
  );

  app.post<{ Body: ImpactBody }>(
    '/api/v1/policy/impact',
    {
      config: { permission: 'policy:read' },
      schema: {
        summary: 'Impact analysis: every app decided again under a candidate bundle (a stored version or a draft) and under the active one; lists the apps whose decision changes and why',
        tags: ['policy'],
        body: jsonSchema(impactBodySchema),
        response: responses({ 200: jsonSchema(impactResultSchema) }),
      },
    },
    async (req) => governance.impact(req.body),
  );
}
