/**
 * The webhooks API's shapes, declared once with zod: request validation, TypeScript types and
 * the JSON Schema of each route (routes.ts) come from these.
 */
import { z } from 'zod';

/** An event type (`review.opened`) or a pattern (`review.*`, `*`) a subscription listens to. */
export const eventPatternPattern = /^(?:\*|[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*(?:\.\*)?)$/;
export const eventTypePattern = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

export const subscriptionIdSchema = z.string().regex(/^wh_[0-9a-f]{20}$/).meta({ description: 'Subscription id', examples: ['wh_3f9a0c1d2e4b5a6f7081'] });
export const deliveryIdSchema = z.string().regex(/^dlv_[0-9a-f]{20}$/).meta({ description: 'Delivery id' });

const eventsSchema = z
  .array(z.string().max(100).regex(eventPatternPattern, 'must be an event type like review.opened, a prefix pattern like review.*, or *'))
  .min(1)
  .max(50)
  .meta({ description: 'Event types to receive: exact (review.opened), by prefix (review.*) or all (*).' });

export const createSubscriptionSchema = z.strictObject({
  url: z.string().min(1).max(2048).meta({ description: 'Receiver URL: https and a public address (see docs/webhooks.md).' }),
  events: eventsSchema,
  description: z.string().max(500).optional(),
});
export type CreateSubscription = z.infer<typeof createSubscriptionSchema>;

export const updateSubscriptionSchema = z.strictObject({
  url: z.string().min(1).max(2048).optional(),
  events: eventsSchema.optional(),
  description: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
});
export type UpdateSubscription = z.infer<typeof updateSubscriptionSchema>;

export const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabled_reason: z.enum(['manual', 'failing']).nullable(),
  /** End of the rotation overlap while the previous secret still signs; null otherwise. */
  previous_secret_expires_at: z.string().nullable(),
  consecutive_failures: z.int(),
  failing_since: z.string().nullable(),
  created_at: z.string(),
  created_by: z.string(),
  updated_at: z.string(),
  updated_by: z.string(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

/** A subscription with its signing secret: only the answers to create and rotate-secret. */
export const subscriptionWithSecretSchema = subscriptionSchema.extend({
  secret: z.string().meta({ description: 'The signing secret (whsec_…). Shown once: store it now.' }),
});
export type SubscriptionWithSecret = z.infer<typeof subscriptionWithSecretSchema>;

export const subscriptionListSchema = z.object({ items: z.array(subscriptionSchema) });

export const attemptSchema = z.object({
  attempt: z.int(),
  attempted_at: z.string(),
  status_code: z.int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.int(),
  response_excerpt: z.string().nullable(),
});

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const deliverySchema = z.object({
  id: z.string(),
  subscription_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(deliveryStatuses),
  attempts: z.int(),
  next_attempt_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  last_status_code: z.int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: z.string().nullable(),
  redelivery_of: z.string().nullable(),
  created_at: z.string(),
  attempt_log: z.array(attemptSchema),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryListQuerySchema = z.strictObject({
  status: z.enum(deliveryStatuses).optional(),
  limit: z.int().min(1).max(200).optional(),
  cursor: z.string().regex(/^\d{1,15}$/).optional().meta({ description: 'next_cursor of the previous page' }),
});
export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;

export const deliveryListSchema = z.object({ items: z.array(deliverySchema), next_cursor: z.string().nullable() });
export type DeliveryList = z.infer<typeof deliveryListSchema>;

/** What enqueue takes from the module announcing something. */
export interface WebhookEvent {
  /** Dotted lower-case type, e.g. review.opened. */
  type: string;
  /** The event's facts, sent as `data`; never secret values. */
  data: Record<string, unknown>;
  /** What the event is about (e.g. `app:leave-requests`), sent as `subject` when given. */
  subject?: string;
}
