/**
 * The shapes the register page sends and reads: the dry-run check's answer
 * (POST /api/v1/apps/validate) and the part of a registered app (POST /api/v1/apps, 201) the
 * page reports. The app and the manifest's vocabularies are the server's own declarations
 * (packages/trellis/src/catalog/schema.ts and vocabulary.ts, imported as types only, so none
 * of the server's code reaches the bundle).
 */
import type { FieldError } from '../../api/problem.ts';
import type { AppDetail } from '../../../../trellis/src/catalog/schema.ts';
import type { accessModes as serverAccessModes, Classification, runtimes as serverRuntimes } from '../../../../trellis/src/catalog/vocabulary.ts';
import type { ConnectorDetail, ConnectorSummary as Connector } from '../connectors/types.ts';
export type { Classification };
export type AccessMode = (typeof serverAccessModes)[number];
export type Runtime = (typeof serverRuntimes)[number];

// The vocabularies as values, in the order the form offers them; `satisfies` fails the
// type-check if a list names a value the manifest does not accept.
export const classifications = ['public', 'internal', 'confidential', 'restricted'] as const satisfies readonly Classification[];
export const accessModes = ['read', 'write', 'read-write'] as const satisfies readonly AccessMode[];
export const runtimes = ['sandbox', 'external'] as const satisfies readonly Runtime[];

// catalog/schema.ts declares this answer only as a zod schema, with no type exported for it.
export interface ValidateResult {
  valid: boolean;
  errors: FieldError[];
  manifest: Record<string, unknown> | null;
}

export type RegisteredApp = Pick<AppDetail, 'name' | 'status' | 'version' | 'classification' | 'risk' | 'decision'>;

// The connector shapes are the connectors page's (which says why they are not the server's).
/** A connector as the list gives it (GET /api/v1/connectors), for the form's suggestions. */
export type ConnectorSummary = Pick<Connector, 'name' | 'title'>;

/** A connector's field catalog (GET /api/v1/connectors/:name), for resource and field suggestions. */
export type ConnectorCatalog = Pick<ConnectorDetail, 'name' | 'catalog'>;
