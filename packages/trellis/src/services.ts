/**
 * The service container: one instance of each module's service, wired once at start-up and
 * handed to route plugins and the CLI's local commands. Modules talk to each other through
 * these interfaces, never through each other's tables.
 */
import type { Database } from './db/database.ts';
import { AuditLog } from './audit/service.ts';
import { TokenService } from './auth/service.ts';

export interface Services {
  database: Database;
  audit: AuditLog;
  tokens: TokenService;
}

export function createServices(database: Database): Services {
  const audit = new AuditLog(database);
  const tokens = new TokenService(database, audit);
  return { database, audit, tokens };
}
