/**
 * REST routes of the custom detector registry: list and show (dlp:read), and add, edit,
 * activate, deactivate and delete (dlp:manage); the active definitions alone are readable with
 * dlp:scan (see the route). Samples are returned only to callers who may
 * manage detectors, since admins often test with realistic sensitive values.
 */
import type { FastifyInstance } from 'fastify';
import { responses, type JsonSchema } from '../../http/schemas.ts';
import { requirePrincipal, hasPermission, actorOf } from '../../auth/index.ts';
import type { DetectorRegistry } from './service.ts';

/** Who made a change: id always, name when it was known at the time. */
const actorRefSchema = { type: 'object', properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } }, required: ['id', 'name'] };

const tags = ['dlp'];
const sampleList: JsonSchema = { type: 'array', items: { type: 'string', maxLength: 100_000 }, maxItems: 1000 };
const idParams: JsonSchema = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } },
  required: ['id'],
  additionalProperties: false,
};
const version: JsonSchema = { type: 'integer', minimum: 1 };
const definitionBody = { detector: { type: 'object', description: 'id, entity, pattern (RE2) or terms, and optional tag, group, validator, confidence, context, keywords, caseInsensitive' }, positive: sampleList, negative: sampleList };

const reportSchema: JsonSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    missed: { type: 'array', items: { type: 'integer' } },
    falseMatches: { type: 'array', items: { type: 'integer' } },
    positives: { type: 'array', items: { type: 'object', additionalProperties: true } },
    negatives: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
  additionalProperties: true,
};

const detectorSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    detector: { type: 'string' },
    status: { type: 'string', enum: ['draft', 'active', 'disabled'] },
    version: { type: 'integer' },
    definition: { type: 'object', additionalProperties: true },
    definition_sha256: { type: 'string' },
    sample_counts: { type: 'object', properties: { positive: { type: 'integer' }, negative: { type: 'integer' } } },
    samples: { type: 'object', properties: { positive: { type: 'array', items: { type: 'string' } }, negative: { type: 'array', items: { type: 'string' } } } },
    last_test: reportSchema,
    created_by: actorRefSchema,
    created_at: { type: 'string' },
    updated_by: actorRefSchema,
    updated_at: { type: 'string' },
  },
  required: ['id', 'detector', 'status', 'version', 'definition', 'last_test'],
};

export function detectorRegistryRoutes(app: FastifyInstance, deps: { detectors: DetectorRegistry }): void {
  const registry = deps.detectors;

  app.get(
    '/api/v1/dlp/detectors',
    {
      config: { permission: 'dlp:read' },
      schema: {
        summary: 'List the custom detectors with their status and latest sample test',
        tags,
        response: responses({ 200: { type: 'object', properties: { items: { type: 'array', items: detectorSchema }, load_errors: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, message: { type: 'string' } } } } }, required: ['items'] } }),
      },
    },
    async () => ({ items: await registry.list(), load_errors: registry.loadErrors }),
  );

  // The definitions a server-side scan runs, for `trellis dlp scan --server-detectors` to run the
  // same scan locally. Readable with dlp:scan, deliberately: whoever may scan through the server
  // already runs these patterns and sees what they match, so their definitions tell them nothing
  // more. Drafts, disabled detectors, sample tests and who changed what stay under dlp:read.
  app.get(
    '/api/v1/dlp/active-detectors',
    {
      config: { permission: 'dlp:scan' },
      schema: {
        summary: 'The definitions of the active custom detectors, as server-side scans run them',
        tags,
        response: responses({
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' }, definition: { type: 'object', additionalProperties: true } }, required: ['id', 'version', 'definition'] } } },
            required: ['items'],
          },
        }),
      },
    },
    async () => ({ items: (await registry.list()).filter((d) => d.status === 'active').map((d) => ({ id: d.id, version: d.version, definition: d.definition })) }),
  );

  app.post<{ Body: { detector: unknown; positive?: string[]; negative?: string[] } }>(
    '/api/v1/dlp/detectors',
    {
      config: { permission: 'dlp:manage' },
      schema: {
        summary: 'Add a custom detector as a draft, tested on its samples (it does not run until activated)',
        tags,
        body: { type: 'object', additionalProperties: false, required: ['detector'], properties: definitionBody },
        response: responses({ 201: detectorSchema }),
      },
    },
    async (req, reply) => {
      const created = await registry.create(actorOf(requirePrincipal(req)), req.body);
      return reply.code(201).send(created);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/dlp/detectors/:id',
    {
      config: { permission: 'dlp:read' },
      schema: { summary: 'Show a custom detector (with its samples for callers who may manage detectors)', tags, params: idParams, response: responses({ 200: detectorSchema }) },
    },
    async (req) => {
      const detector = await registry.get(req.params.id);
      if (!hasPermission(requirePrincipal(req), 'dlp:manage')) return detector;
      return { ...detector, samples: await registry.samples(req.params.id) };
    },
  );

  app.put<{ Params: { id: string }; Body: { version: number; detector: unknown; positive?: string[]; negative?: string[] } }>(
    '/api/v1/dlp/detectors/:id',
    {
      config: { permission: 'dlp:manage' },
      schema: {
        summary: 'Replace a detector\'s definition and samples at a known version (an active detector must still pass them)',
        tags,
        params: idParams,
        body: { type: 'object', additionalProperties: false, required: ['version', 'detector'], properties: { version, ...definitionBody } },
        response: responses({ 200: detectorSchema }),
      },
    },
    async (req) => {
      const { version: at, ...input } = req.body;
      return registry.update(actorOf(requirePrincipal(req)), req.params.id, at, input);
    },
  );

  for (const action of ['activate', 'deactivate'] as const) {
    app.post<{ Params: { id: string }; Body: { version?: number } | undefined }>(
      `/api/v1/dlp/detectors/:id/${action}`,
      {
        config: { permission: 'dlp:manage' },
        // The version is optional, so is the body: `POST …/activate` with nothing acts on the current version.
        preValidation: (req, _reply, done) => {
          req.body ??= {};
          done();
        },
        schema: {
          summary: action === 'activate' ? 'Test a detector on its samples again and, if it passes, run it in every scan' : 'Stop running a detector in scans (it is kept)',
          tags,
          params: idParams,
          body: { type: 'object', additionalProperties: false, properties: { version } },
          response: responses({ 200: detectorSchema }),
        },
      },
      async (req) => {
        const actor = actorOf(requirePrincipal(req));
        const at = req.body?.version;
        return action === 'activate' ? registry.activate(actor, req.params.id, at) : registry.deactivate(actor, req.params.id, at);
      },
    );
  }

  app.delete<{ Params: { id: string }; Querystring: { version?: number } }>(
    '/api/v1/dlp/detectors/:id',
    {
      config: { permission: 'dlp:manage' },
      schema: {
        summary: 'Delete a custom detector',
        tags,
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { version } },
        response: responses({ 204: { type: 'null' } }),
      },
    },
    async (req, reply) => {
      await registry.remove(actorOf(requirePrincipal(req)), req.params.id, req.query.version);
      return reply.code(204).send();
    },
  );
}
