/**
 * The leases API's shapes, declared once with zod: request validation, TypeScript types and
 * each route's JSON Schema (routes.ts) come from these.
 */
import { z } from 'zod';

export const leaseIdSchema = z.string().regex(/^lse_[0-9a-f]{20}$/).meta({ description: 'Lease id', examples: ['lse_0f1e2d3c4b5a69788796'] });
export const leaseStates = ['active', 'revoked', 'expired'] as const;

const nameSchema = z.string().min(1).max(63).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case name');

export const leaseListQuerySchema = z.strictObject({
  app: nameSchema.optional(),
  connector: nameSchema.optional(),
  state: z.enum(leaseStates).optional(),
  limit: z.int().min(1).max(200).optional(),
  cursor: z.string().regex(/^\d{1,15}$/).optional().meta({ description: 'next_cursor of the previous page' }),
});
export type LeaseListQueryInput = z.infer<typeof leaseListQuerySchema>;

export const renewBodySchema = z.strictObject({
  ttl_seconds: z.int().min(60).max(366 * 24 * 3600).optional().meta({ description: "The lease's new remaining life from now, at most the connector's maximum (default: that maximum); never past the lease's max_expires_at" }),
});
export type RenewBody = z.infer<typeof renewBodySchema>;

export const revokeBodySchema = z.strictObject({
  reason: z.string().min(1).max(500).optional(),
});
export type RevokeBody = z.infer<typeof revokeBodySchema>;

const grantSchema = z.object({ table: z.string(), columns: z.array(z.string()), privileges: z.array(z.enum(['SELECT', 'INSERT', 'UPDATE', 'DELETE'])) });

export const leaseSchema = z.object({
  id: z.string(),
  app: z.string(),
  connector: z.string(),
  role: z.string().meta({ description: 'The role on the connector database' }),
  state: z.enum(leaseStates),
  grants: z.array(grantSchema),
  database: z.object({ host: z.string(), port: z.int(), database: z.string() }),
  created_at: z.string(),
  expires_at: z.string(),
  max_expires_at: z.string(),
  renewed_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  revoked_reason: z.string().nullable(),
  dropped_at: z.string().nullable().meta({ description: 'When the role was dropped; null while it may still exist' }),
  drop_error: z.string().nullable().meta({ description: 'Why the last attempt to drop the role failed (retried by the sweeper)' }),
});

export const leaseListSchema = z.object({ items: z.array(leaseSchema), next_cursor: z.string().nullable() });
