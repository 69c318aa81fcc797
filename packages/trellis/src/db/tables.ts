/**
 * The database as Kysely sees it: the union of every module's row types. Each module declares
 * its own tables in its rows.ts; only that module's store.ts queries them.
 */
import type { AuditTables } from '../audit/rows.ts';
import type { AuthTables } from '../auth/rows.ts';
import type { CatalogTables } from '../catalog/rows.ts';
import type { DlpDetectorTables } from '../dlp/detector-registry/rows.ts';
import type { KeyTables } from '../keys/rows.ts';

export interface Tables extends AuditTables, AuthTables, CatalogTables, DlpDetectorTables, KeyTables {}
