/**
 * The secrets API's shapes, declared once with zod: request validation, TypeScript types and
 * the JSON Schema of each route (routes.ts). No answer shape has a field for a value: the API
 * is write-only by construction.
 */
import { z } from 'zod';

/** Largest value, in UTF-8 bytes: certificates and service-account JSON fit, a database dump does not. */
export const maxValueBytes = 64 * 1024;

/** A DNS label: what a connector's `secret:` field names. */
export const secretNamePattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const secretNameSchema = z
  .string()
  .regex(secretNamePattern, 'must be 1-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit')
  .meta({ description: 'Secret name (a DNS label)', examples: ['hr-db-admin'] });

const valueSchema = z.string().min(1).max(maxValueBytes).meta({ description: `The value (at most ${maxValueBytes / 1024} KiB of UTF-8). Never returned by any route.` });

const rotationSchema = z
  .strictObject({
    everyDays: z.int().min(1).max(3650).meta({ description: 'Rotate every N days' }),
    overlapHours: z.int().min(0).max(8760).optional().meta({ description: 'Hours the previous version stays valid after a rotation, then it is destroyed (default 24)' }),
  })
  .meta({ description: 'Rotation schedule: generated secrets rotate themselves; static ones are marked rotation_due for an admin' });

export const putSecretSchema = z.strictObject({
  value: valueSchema.optional(),
  description: z.string().max(500).nullable().optional(),
  kind: z.enum(['static', 'generated']).optional().meta({ description: 'static (default): you supply each value; generated: Trellis makes a random one (give no value). Fixed when the secret is created.' }),
  rotation: rotationSchema.nullable().optional().meta({ description: 'Set, change or (null) remove the rotation schedule' }),
});
export type PutSecret = z.infer<typeof putSecretSchema>;

export const rotateSecretSchema = z.strictObject({
  value: valueSchema.optional().meta({ description: 'The new value: required for a static secret, refused for a generated one' }),
});
export type RotateSecret = z.infer<typeof rotateSecretSchema>;

export const versionParamSchema = z.coerce.number().int().min(1).max(2_147_483_647);

export const secretSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(['static', 'generated']),
  current_version: z.int(),
  rotation: z.object({ everyDays: z.int(), overlapHours: z.int() }).nullable(),
  next_rotation_at: z.string().nullable(),
  rotation_due: z.boolean(),
  created_at: z.string(),
  created_by: z.string(),
  updated_at: z.string(),
  updated_by: z.string(),
});
export type Secret = z.infer<typeof secretSchema>;
export const secretListSchema = z.object({ items: z.array(secretSchema) });

export const secretVersionSchema = z.object({
  version: z.int(),
  state: z.enum(['active', 'previous', 'destroyed']),
  kek_id: z.string().nullable().meta({ description: 'Id of the master key whose KEK wraps this version\'s data key' }),
  created_at: z.string(),
  created_by: z.string(),
  expires_at: z.string().nullable(),
  destroyed_at: z.string().nullable(),
});
export type SecretVersion = z.infer<typeof secretVersionSchema>;
export const secretVersionListSchema = z.object({ items: z.array(secretVersionSchema) });

export const keyStatusSchema = z.object({
  root_key_id: z.string().meta({ description: 'The root key every purpose key derives from; the same before and after a master-key rotation' }),
  root_master_key_id: z.string().meta({ description: 'The master key the root is sealed under' }),
  current_master_key_id: z.string(),
  held_master_key_ids: z.array(z.string()).meta({ description: 'Master keys this replica holds: TRELLIS_MASTER_KEY first, then TRELLIS_PREVIOUS_MASTER_KEYS' }),
  data_keys: z.array(z.object({ master_key_id: z.string(), count: z.int() })).meta({ description: 'Secret versions\' data keys by the master key wrapping them' }),
  previous_keys_removable: z.boolean().meta({ description: 'True when nothing needs a master key other than the current one' }),
});
export type KeyStatus = z.infer<typeof keyStatusSchema>;

export const rewrapResultSchema = z.object({
  rewrapped: z.int().meta({ description: 'Data keys re-wrapped under the current master key' }),
  root_resealed: z.boolean(),
  status: keyStatusSchema,
});
export type RewrapResult = z.infer<typeof rewrapResultSchema>;
