/**
 * REST routes of the webhooks module: thin handlers over WebhookService. Every route declares
 * its params, query, body and per-status responses (from webhooks/schema.ts) and the permission
 * it needs. Signing secrets appear in exactly two answers, create and rotate-secret.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../auth/index.ts';
import { jsonSchema, responses } from '../http/schemas.ts';
import {
  createSubscriptionSchema,
  deliveryIdSchema,
  deliveryListQuerySchema,
  deliveryListSchema,
  deliverySchema,
  subscriptionIdSchema,
  subscriptionListSchema,
  subscriptionSchema,
  subscriptionWithSecretSchema,
  updateSubscriptionSchema,
  type CreateSubscription,
  type DeliveryListQuery,
  type UpdateSubscription,
} from './schema.ts';
import type { Caller, WebhookService } from './service.ts';

const idParams = jsonSchema(z.strictObject({ id: subscriptionIdSchema }));
const deliveryParams = jsonSchema(z.strictObject({ id: subscriptionIdSchema, delivery: deliveryIdSchema }));

function callerOf(req: FastifyRequest): Caller {
  return { actor: actorOf(requirePrincipal(req)), srcIp: req.ip };
}

export function webhookRoutes(app: FastifyInstance, deps: { webhooks: WebhookService }): void {
  const { webhooks } = deps;
  const tags = ['webhooks'];

  app.post<{ Body: CreateSubscription }>(
    '/api/v1/webhooks',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        summary: 'Subscribe a URL to events; the answer holds the signing secret, shown this once',
        tags,
        body: jsonSchema(createSubscriptionSchema),
        response: responses({ 201: jsonSchema(subscriptionWithSecretSchema) }),
      },
    },
    async (req, reply) => reply.code(201).send(await webhooks.create(callerOf(req), req.body)),
  );

  app.get(
    '/api/v1/webhooks',
    { config: { permission: 'webhooks:read' }, schema: { summary: 'List webhook subscriptions (never their secrets)', tags, response: responses({ 200: jsonSchema(subscriptionListSchema) }) } },
    async () => ({ items: await webhooks.list() }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/webhooks/:id',
    { config: { permission: 'webhooks:read' }, schema: { summary: 'Show a webhook subscription', tags, params: idParams, response: responses({ 200: jsonSchema(subscriptionSchema) }) } },
    async (req) => webhooks.get(req.params.id),
  );

  app.patch<{ Params: { id: string }; Body: UpdateSubscription }>(
    '/api/v1/webhooks/:id',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        summary: 'Change the URL, events or description, or enable / disable; enabling clears the failure count',
        tags,
        params: idParams,
        body: jsonSchema(updateSubscriptionSchema),
        response: responses({ 200: jsonSchema(subscriptionSchema) }),
      },
    },
    async (req) => webhooks.update(callerOf(req), req.params.id, req.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/webhooks/:id',
    { config: { permission: 'webhooks:manage' }, schema: { summary: 'Delete a webhook subscription and its deliveries', tags, params: idParams, response: responses({ 204: { type: 'null' } }) } },
    async (req, reply) => {
      await webhooks.remove(callerOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/webhooks/:id/rotate-secret',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        summary: 'A new signing secret, shown this once; the previous one keeps signing beside it until previous_secret_expires_at',
        tags,
        params: idParams,
        response: responses({ 200: jsonSchema(subscriptionWithSecretSchema) }),
      },
    },
    async (req) => webhooks.rotateSecret(callerOf(req), req.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: DeliveryListQuery }>(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        summary: 'Deliveries of a subscription, newest first, with their attempts (status codes, errors, next retry)',
        tags,
        params: idParams,
        querystring: jsonSchema(deliveryListQuerySchema),
        response: responses({ 200: jsonSchema(deliveryListSchema) }),
      },
    },
    async (req) => webhooks.listDeliveries(req.params.id, req.query),
  );

  app.post<{ Params: { id: string; delivery: string } }>(
    '/api/v1/webhooks/:id/deliveries/:delivery/redeliver',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        summary: 'Send a delivered or failed delivery again (a new delivery of the same event)',
        tags,
        params: deliveryParams,
        response: responses({ 202: jsonSchema(deliverySchema) }),
      },
    },
    async (req, reply) => reply.code(202).send(await webhooks.redeliver(callerOf(req), req.params.id, req.params.delivery)),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/webhooks/:id/test',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        summary: 'Send a webhook.test event now; the answer shows the first attempt (failures are retried like any delivery)',
        tags,
        params: idParams,
        response: responses({ 200: jsonSchema(deliverySchema) }),
      },
    },
    async (req) => webhooks.sendTest(callerOf(req), req.params.id),
  );
}
