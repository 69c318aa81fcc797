/**
 * The exports API's shapes, declared once with zod: request validation, TypeScript types and
 * the JSON Schema of each route (routes.ts) come from these.
 */
import { z } from 'zod';

export const destinationIdSchema = z.string().regex(/^exd_[0-9a-f]{20}$/).meta({ description: 'Export destination id' });
export const quarantineIdSchema = z.string().regex(/^exq_[0-9a-f]{20}$/).meta({ description: 'Quarantined export id' });

const secretName = z.string().min(1).max(63).regex(/^[a-z0-9-]+$/, 'must be a secret store name like hr-slack-webhook').meta({ description: 'The secret holding the receiver URL (https://…); the URL itself never passes through this API.' });
const target = z.string().min(1).max(1024).meta({ description: 'The export target as the app\'s manifest declares it (channel, address, label).' });
const common = {
  target,
  description: z.string().max(500).optional(),
  allowPrivateHost: z.boolean().optional().meta({ description: 'Allow a receiver on a loopback or private address (development, a relay on site); cloud metadata addresses never.' }),
};

export const createDestinationSchema = z.discriminatedUnion('destination', [
  z.strictObject({
    destination: z.enum(['slack', 'teams', 'webhook']),
    secret: secretName,
    allowHosts: z
      .array(z.string().max(253).regex(/^(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/, 'must be a host name or *.domain'))
      .min(1)
      .max(20)
      .optional()
      .meta({ description: 'The only hosts the URL may point at (hooks.slack.com, *.webhook.office.com): a URL changed in the secret store to point elsewhere is refused.' }),
    ...common,
  }),
  z.strictObject({
    destination: z.literal('email'),
    smtp: z.strictObject({
      host: z.string().min(1).max(253),
      port: z.int().min(1).max(65535).optional().meta({ description: 'Default 587.' }),
      tls: z.enum(['none', 'starttls', 'tls']).optional().meta({ description: 'none: plain SMTP (a relay on loopback only); starttls (default): upgrade required; tls: implicit TLS (port 465).' }),
      from: z.email().max(320),
    }),
    ...common,
    target: z.email().max(320).meta({ description: 'The recipient address, as the app\'s manifest declares it.' }),
  }),
  z.strictObject({
    destination: z.literal('file'),
    directory: z.string().min(1).max(1024).refine((d) => d.startsWith('/'), 'must be an absolute directory on the server'),
    ...common,
  }),
]);
export type CreateDestination = z.infer<typeof createDestinationSchema>;

export const destinationSchema = z.object({
  id: z.string(),
  destination: z.string(),
  target: z.string(),
  secret: z.string().optional(),
  allowHosts: z.array(z.string()).optional(),
  smtp: z.object({ host: z.string(), port: z.int(), tls: z.string(), from: z.string() }).optional(),
  directory: z.string().optional(),
  allowPrivateHost: z.boolean(),
  description: z.string().nullable(),
  created_at: z.string(),
  created_by: z.string(),
  updated_at: z.string(),
  updated_by: z.string(),
});
export type Destination = z.infer<typeof destinationSchema>;
export const destinationListSchema = z.object({ items: z.array(destinationSchema) });

export const quarantineStatuses = ['held', 'releasing', 'released', 'discarded'] as const;

export const quarantineSchema = z.object({
  id: z.string(),
  app: z.string(),
  subject: z.string().nullable(),
  destination: z.string(),
  target: z.string(),
  detected: z.array(z.string()).meta({ description: 'Data tags found in the payload (never the values).' }),
  messages: z.array(z.string()).meta({ description: 'Why it is held: the policy\'s review messages.' }),
  bytes: z.int(),
  status: z.enum(quarantineStatuses),
  created_at: z.string(),
  decided_at: z.string().nullable(),
  decided_by: z.string().nullable(),
  reason: z.string().nullable(),
  delivery_id: z.string().nullable(),
  last_error: z.string().nullable(),
});
export type Quarantined = z.infer<typeof quarantineSchema>;
export const quarantineListSchema = z.object({ items: z.array(quarantineSchema) });
export const quarantineListQuerySchema = z.strictObject({
  status: z.enum(quarantineStatuses).optional(),
  limit: z.int().min(1).max(500).optional(),
});
export type QuarantineListQuery = z.infer<typeof quarantineListQuerySchema>;
export const decisionBodySchema = z.strictObject({ reason: z.string().min(3).max(500).meta({ description: 'Why it may leave, or why not (a ticket reference).' }) });

/** What a delivered or quarantined export answers (the gateway's 200 and 202). */
export const sendResultSchema = z.object({
  outcome: z.enum(['delivered', 'quarantined']),
  delivery_id: z.string().optional(),
  quarantine_id: z.string().optional(),
  messages: z.array(z.string()),
  detected: z.array(z.string()),
});
export type SendResult = z.infer<typeof sendResultSchema>;
