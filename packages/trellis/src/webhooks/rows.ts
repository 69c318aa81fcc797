/** Row types of the webhooks module's tables (only webhooks/store.ts queries them). */
import type { Generated } from 'kysely';

export interface WebhookSubscriptionRow {
  id: string;
  url: string;
  /** JSON array of event type patterns. */
  events: string;
  description: string | null;
  /** 1 when deliveries go out, 0 when paused by an admin or disabled after failing too long. */
  enabled: number;
  /** Why it is disabled, when it is ('manual', 'failing'); null while enabled. */
  disabled_reason: string | null;
  /** The signing secret, AES-256-GCM under the 'webhooks.secret' key (secrets.ts). */
  secret_enc: string;
  /** The secret before the last rotation, still signing until previous_secret_expires_at. */
  previous_secret_enc: string | null;
  previous_secret_expires_at: string | null;
  /** Failed attempts since the last success. */
  consecutive_failures: number;
  /** When the current run of failures began; null after a success. */
  failing_since: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export interface WebhookDeliveryRow {
  /** Ordering and keyset paging key. */
  seq: Generated<number>;
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  /** The request body exactly as sent on every attempt (so a signature covers the same bytes). */
  body: string;
  /** pending | delivered | failed */
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  /** Lease of the worker attempting it now; a crashed worker's lease runs out and another retries. */
  claimed_until: string | null;
  claim_token: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  /** The delivery this one re-sends, for a redelivery. */
  redelivery_of: string | null;
  created_at: string;
}

export interface WebhookAttemptRow {
  delivery_id: string;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  /** At most the first 256 characters of the response body. */
  response_excerpt: string | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    webhook_subscriptions: WebhookSubscriptionRow;
    webhook_deliveries: WebhookDeliveryRow;
    webhook_attempts: WebhookAttemptRow;
  }
}
