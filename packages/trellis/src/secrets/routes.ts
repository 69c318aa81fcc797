/**
 * REST routes of the secrets module: thin handlers over SecretService. Values go in (PUT,
 * rotate) and never come out: no answer schema has a field that could carry one. Also the
 * master-key rotation's status and rewrap.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../auth/index.ts';
import type { Caller } from '../catalog/index.ts';
import { jsonSchema, responses } from '../http/schemas.ts';
import { keyStatusSchema, putSecretSchema, rewrapResultSchema, rotateSecretSchema, secretListSchema, secretNameSchema, secretSchema, secretVersionListSchema, secretVersionSchema, versionParamSchema, type PutSecret, type RotateSecret } from './schema.ts';
import type { SecretService } from './service.ts';

const nameParams = jsonSchema(z.strictObject({ name: secretNameSchema }));
const versionParams = jsonSchema(z.strictObject({ name: secretNameSchema, version: versionParamSchema }));

function callerOf(req: FastifyRequest): Caller {
  return { actor: actorOf(requirePrincipal(req)), srcIp: req.ip };
}

export function secretRoutes(app: FastifyInstance, deps: { secrets: SecretService }): void {
  const { secrets } = deps;
  const tags = ['secrets'];

  app.put<{ Params: { name: string }; Body: PutSecret }>(
    '/api/v1/secrets/:name',
    {
      config: { permission: 'secrets:write' },
      schema: {
        summary: 'Create a secret, or change its description or rotation schedule and (with a value) store its next version; the value is never returned',
        tags,
        params: nameParams,
        body: jsonSchema(putSecretSchema),
        response: responses({ 200: jsonSchema(secretSchema), 201: jsonSchema(secretSchema) }),
      },
    },
    async (req, reply) => {
      const r = await secrets.put(callerOf(req), req.params.name, req.body);
      return reply.code(r.created ? 201 : 200).send(r.secret);
    },
  );

  app.get('/api/v1/secrets', { config: { permission: 'secrets:read' }, schema: { summary: 'List secrets (metadata only; rotation_due marks static secrets waiting for a new value)', tags, response: responses({ 200: jsonSchema(secretListSchema) }) } }, async () => ({
    items: await secrets.list(),
  }));

  app.get<{ Params: { name: string } }>(
    '/api/v1/secrets/:name',
    { config: { permission: 'secrets:read' }, schema: { summary: 'Show a secret\'s metadata (never its value)', tags, params: nameParams, response: responses({ 200: jsonSchema(secretSchema) }) } },
    async (req) => secrets.get(req.params.name),
  );

  app.get<{ Params: { name: string } }>(
    '/api/v1/secrets/:name/versions',
    { config: { permission: 'secrets:read' }, schema: { summary: 'A secret\'s versions, newest first: state, wrapping master key, overlap end', tags, params: nameParams, response: responses({ 200: jsonSchema(secretVersionListSchema) }) } },
    async (req) => ({ items: await secrets.versions(req.params.name) }),
  );

  app.post<{ Params: { name: string }; Body: RotateSecret | undefined }>(
    '/api/v1/secrets/:name/rotate',
    {
      config: { permission: 'secrets:write' },
      schema: {
        summary: 'Store a new version: a random one for a generated secret, the given value for a static one; the previous version stays valid for the overlap',
        tags,
        params: nameParams,
        body: jsonSchema(rotateSecretSchema),
        response: responses({ 200: jsonSchema(secretSchema) }),
      },
    },
    async (req) => secrets.rotate(callerOf(req), req.params.name, req.body ?? {}),
  );

  app.delete<{ Params: { name: string; version: number } }>(
    '/api/v1/secrets/:name/versions/:version',
    {
      config: { permission: 'secrets:write' },
      schema: { summary: 'Destroy a non-current version: its data key is deleted, so its value can never be read again', tags, params: versionParams, response: responses({ 200: jsonSchema(secretVersionSchema) }) },
    },
    async (req) => secrets.destroyVersion(callerOf(req), req.params.name, req.params.version),
  );

  app.delete<{ Params: { name: string } }>(
    '/api/v1/secrets/:name',
    { config: { permission: 'secrets:write' }, schema: { summary: 'Delete a secret and every version of it', tags, params: nameParams, response: responses({ 204: { type: 'null' } }) } },
    async (req, reply) => {
      await secrets.remove(callerOf(req), req.params.name);
      return reply.code(204).send();
    },
  );

  app.get('/api/v1/keys', { config: { permission: 'keys:read' }, schema: { summary: 'Master and root key ids, and how many data keys each master key wraps', tags: ['keys'], response: responses({ 200: jsonSchema(keyStatusSchema) }) } }, async () =>
    secrets.keyStatus(),
  );

  app.post(
    '/api/v1/keys/rewrap',
    {
      config: { permission: 'keys:rewrap' },
      schema: { summary: 'After starting every replica with a new TRELLIS_MASTER_KEY: re-wrap every data key and re-seal the root under it, so the previous key can be removed', tags: ['keys'], response: responses({ 200: jsonSchema(rewrapResultSchema) }) },
    },
    async (req) => secrets.rewrap(callerOf(req)),
  );
}
