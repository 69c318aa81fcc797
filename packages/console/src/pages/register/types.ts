/**
 * The shapes the register page sends and reads: the dry-run check's answer
 * (POST /api/v1/apps/validate) and the part of a registered app (POST /api/v1/apps, 201) the
 * page reports. Written by hand from packages/trellis/src/catalog/schema.ts, since the console
 * does not import the server's schemas.
 */
import type { FieldError } from '../../api/problem.ts';

export const classifications = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Classification = (typeof classifications)[number];
export const accessModes = ['read', 'write', 'read-write'] as const;
export type AccessMode = (typeof accessModes)[number];
export const runtimes = ['sandbox', 'external'] as const;
export type Runtime = (typeof runtimes)[number];

export interface ValidateResult {
  valid: boolean;
  errors: FieldError[];
  manifest: Record<string, unknown> | null;
}

export interface RegisteredApp {
  name: string;
  status: 'draft' | 'pending_review' | 'approved' | 'rejected' | 'suspended' | 'retired';
  version: number;
  classification: { declared: Classification | null; detected: Classification | null; effective: Classification | null };
  risk: { score: number; tier: 'low' | 'medium' | 'high' | 'critical' } | null;
  decision: { result: 'allow' | 'deny'; outcome: string; deny: string[]; warn: string[]; reasons: string[] } | null;
}

/** A connector as the list gives it (GET /api/v1/connectors), for the form's suggestions. */
export interface ConnectorSummary {
  name: string;
  title: string | null;
}

/** A connector's field catalog (GET /api/v1/connectors/:name), for resource and field suggestions. */
export interface ConnectorCatalog {
  name: string;
  catalog: { resources: { name: string; fields: { name: string; tags: string[] }[] }[] };
}
