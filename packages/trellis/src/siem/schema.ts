/**
 * The SIEM sinks API's shapes, declared once with zod: request validation, TypeScript types and
 * each route's JSON Schema (routes.ts) come from these. A sink's `config` is checked against its
 * transport kind's own schema by the service (transports.ts), which names the failing field.
 */
import { z } from 'zod';

export const sinkIdSchema = z.string().regex(/^snk_[0-9a-f]{20}$/).meta({ description: 'Sink id', examples: ['snk_3f9a0c1d2e4b5a6f7081'] });
export const sinkNamePattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const nameSchema = z.string().regex(sinkNamePattern, 'must be 1-63 lower-case letters, digits and hyphens, starting with a letter or digit');

/** An action (`token.revoke`) or a prefix pattern (`token.*`). */
const actionPattern = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*(?:\.\*)?$/;

export const filterSchema = z
  .strictObject({
    class_uids: z.array(z.int().min(0).max(999_999)).min(1).max(50).optional().meta({ description: 'Only these OCSF class uids (3002 Authentication, 6003 API Activity, …)' }),
    min_severity_id: z.int().min(0).max(6).optional().meta({ description: 'Only events of at least this OCSF severity_id (1 Informational, 2 Low, … 6 Fatal)' }),
    apps: z.array(z.string().min(1).max(200)).min(1).max(200).optional().meta({ description: 'Only events about these apps (a resource of type app with this uid)' }),
    actions: z.array(z.string().max(100).regex(actionPattern, 'must be an action like token.revoke or a prefix pattern like token.*')).min(1).max(100).optional(),
    personal_data: z
      .enum(['reveal', 'sealed'])
      .optional()
      .meta({ description: "People's names, e-mail addresses and source IPs: `reveal` (default) sends them in clear, beyond the reach of crypto-shredding; `sealed` sends them as stored (enc:… ciphertext a shred makes unreadable)" }),
  })
  .meta({ description: 'Which events the sink takes; every given condition must hold. Empty: every event.' });
export type SinkFilter = z.infer<typeof filterSchema>;

const startSchema = z
  .union([z.enum(['beginning', 'now']), z.int().min(1)])
  .meta({ description: 'Where delivery starts: the first event of the trail, the next event sealed from now on (default), or this seq' });

const configSchema = z.record(z.string(), z.unknown()).meta({ description: "The transport's configuration (docs/siem.md); secrets by name, never a value" });

export const createSinkSchema = z.strictObject({
  name: nameSchema,
  type: z.string().min(1).max(40).meta({ description: 'ocsf-http, jsonl-file, syslog, splunk-hec or otlp-logs' }),
  config: configSchema,
  filter: filterSchema.optional(),
  start: startSchema.optional(),
  enabled: z.boolean().optional(),
});
export type CreateSink = z.infer<typeof createSinkSchema>;

export const updateSinkSchema = z.strictObject({
  enabled: z.boolean().optional(),
  filter: filterSchema.optional(),
  config: configSchema.optional(),
});
export type UpdateSink = z.infer<typeof updateSinkSchema>;

export const sinkSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  config: z.record(z.string(), z.unknown()),
  filter: filterSchema,
  enabled: z.boolean(),
  cursor: z.int().meta({ description: 'The last seq handed over; delivery continues after it' }),
  head: z.int().meta({ description: 'The newest sealed seq of the trail' }),
  lag: z.int().meta({ description: 'head − cursor: events not handed over yet (before filtering)' }),
  oldest_age_ms: z.int().nullable().meta({ description: 'Age of the oldest event not handed over; null when caught up' }),
  delivered: z.int(),
  attempts: z.int().meta({ description: 'Failed attempts since the last acknowledged batch' }),
  next_attempt_at: z.string().nullable(),
  last_error: z.string().nullable(),
  last_delivered_at: z.string().nullable(),
  dead_letters: z.int(),
  created_at: z.string(),
  created_by: z.string(),
  updated_at: z.string(),
  updated_by: z.string(),
});
export type Sink = z.infer<typeof sinkSchema>;

export const sinkListSchema = z.object({ items: z.array(sinkSchema) });

export const testResultSchema = z.object({
  ok: z.boolean(),
  uid: z.string().meta({ description: 'metadata.uid of the synthetic test event' }),
  error: z.string().nullable(),
  permanent: z.boolean().nullable().meta({ description: 'On failure: whether the receiver refused the event for good (it would be dead-lettered)' }),
  duration_ms: z.int(),
});
export type TestResult = z.infer<typeof testResultSchema>;

export const deadLetterSchema = z.object({ seq: z.int(), uid: z.string(), error: z.string(), attempts: z.int(), dead_at: z.string() });
export const deadLetterQuerySchema = z.strictObject({
  limit: z.int().min(1).max(500).optional(),
  after: z.int().min(0).optional().meta({ description: 'next_cursor of the previous page' }),
});
export type DeadLetterQuery = z.infer<typeof deadLetterQuerySchema>;
export const deadLetterListSchema = z.object({ items: z.array(deadLetterSchema), next_cursor: z.int().nullable() });
export type DeadLetterList = z.infer<typeof deadLetterListSchema>;

export const replayResultSchema = z.object({
  replayed: z.int().meta({ description: 'Dead letters sent again' }),
  delivered: z.int().meta({ description: 'Of those, acknowledged and removed' }),
  failed: z.int().meta({ description: 'Still refused or unreachable; kept' }),
});
export type ReplayResult = z.infer<typeof replayResultSchema>;

/** One sink's delivery state, for the lag metric. */
export interface SinkStatus {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  cursor: number;
  head: number;
  lag: number;
  oldestAgeMs: number | null;
  deadLetters: number;
  lastError: string | null;
  lastDeliveredAt: string | null;
}
