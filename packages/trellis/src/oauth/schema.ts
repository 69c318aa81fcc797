/** Shapes of the oauth module's management API (credentials, signing keys): one zod schema each gives validation, types and OpenAPI. */
import { z } from 'zod';

export const appNameParam = z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
export const credentialIdSchema = z.string().regex(/^cred_[0-9a-f]{16}$/);

export const createCredentialSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('client_secret'),
    overlap_seconds: z.int().min(0).max(604_800).optional().meta({ description: 'How long the secrets this one replaces keep working (default 86400 = 24 h, at most 7 days).' }),
  }),
  z.strictObject({
    type: z.literal('private_key_jwt'),
    jwks: z.strictObject({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(10) }).meta({ description: "The app's public keys (RFC 7517); private members and symmetric keys are refused." }),
  }),
]);
export type CreateCredentialBody = z.infer<typeof createCredentialSchema>;

export const credentialSchema = z.object({
  id: z.string(),
  type: z.enum(['client_secret', 'private_key_jwt']),
  created_at: z.string(),
  created_by: z.string(),
  expires_at: z.string().nullable(),
  status: z.enum(['active', 'expiring', 'expired']),
  kids: z.array(z.string()).optional(),
});

export const credentialListSchema = z.object({
  app: z.string(),
  client_id: z.string(),
  client_type: z.enum(['public', 'confidential']),
  client_status: z.enum(['active', 'disabled']),
  items: z.array(credentialSchema),
});

export const createdCredentialSchema = z.object({
  app: z.string(),
  client_id: z.string(),
  credential: credentialSchema,
  client_secret: z.string().optional().meta({ description: 'The client secret, shown this once; only its hash is stored.' }),
  rotated: z.array(z.object({ id: z.string(), expires_at: z.string() })).optional(),
});

export const rotatedKeysSchema = z.object({ kid: z.string(), retiring: z.string().nullable() });

/** The protocol endpoints' answers (documentation and serialisation). */
export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });
