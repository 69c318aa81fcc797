/**
 * The service container: one instance of each module's service, wired once at start-up and
 * handed to route plugins and the CLI's local commands. Modules talk to each other through
 * these interfaces, never through each other's tables.
 */
import type { Database } from './db/database.ts';
import { AuditLog } from './audit/service.ts';
import { TokenService } from './auth/service.ts';
import { CatalogService } from './catalog/index.ts';
import { ephemeralKeyRing, type KeyRing } from './keys/master-key.ts';
import { DetectorRegistry } from './dlp/detector-registry/service.ts';

export interface Services {
  database: Database;
  audit: AuditLog;
  tokens: TokenService;
  catalog: CatalogService;
  keys: KeyRing;
  /** Custom DLP detectors; scans read its in-memory active set. */
  detectors: DetectorRegistry;
}

/** `keys` defaults to a throwaway key ring: the server passes the installation's (keys/master-key.ts). */
export function createServices(database: Database, keys: KeyRing = ephemeralKeyRing()): Services {
  const audit = new AuditLog(database, keys);
  const tokens = new TokenService(database, audit);
  const catalog = new CatalogService(database, audit);
  const detectors = new DetectorRegistry(database, audit);
  return { database, audit, tokens, catalog, keys, detectors };
}
