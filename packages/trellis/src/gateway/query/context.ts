/**
 * What the compiler is told about a call: the resource as the connector's catalog declares it,
 * the app's approved grant for it (from the approved manifest), the calling person's directory
 * attributes and the key that seals cursors. The gateway builds this from memory per call.
 */
import type { Scalar } from './schema.ts';

export interface CatalogField {
  name: string;
  tags?: readonly string[];
}

export interface QueryResource {
  /** As the catalog names it; `hr.employees` is schema-qualified. */
  name: string;
  /** The connector's schema, for unqualified names (postgres connection `schema`). */
  schema?: string;
  fields: readonly CatalogField[];
  /** Unique key for keyset pagination; default `[id]` when the resource has an `id` field. */
  key?: readonly string[];
}

export type RowFilterOp = 'eq' | 'ne' | 'in' | 'not_in' | 'lt' | 'lte' | 'gt' | 'gte';

/** A manifest row filter; a string value `$subject.<attr>` is the caller's directory attribute. */
export interface RowFilter {
  field: string;
  op: RowFilterOp;
  value: Scalar | readonly Scalar[];
}

export interface QueryGrant {
  fields: readonly string[];
  access: 'read' | 'write' | 'read-write';
  rowFilters?: readonly RowFilter[];
}

export interface QueryContext {
  resource: QueryResource;
  grant: QueryGrant;
  /** The calling person's attributes (`department`, `groups`, …); null for a call with no person. */
  subject?: Readonly<Record<string, unknown>> | null;
  /** 32 bytes; seals cursors. */
  cursorKey: Buffer;
}

export const subjectPrefix = '$subject.';
