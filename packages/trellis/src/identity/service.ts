/** The identity service other modules and the routes reach: the directory, the cascade, ownership offers, attributes and settings. */
import type { Database } from '../db/database.ts';
import type { AuditLog } from '../audit/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { Revocations, TokenService } from '../auth/index.ts';
import type { WebhookService } from '../webhooks/index.ts';
import type { Services } from '../module.ts';
import { DirectoryAttributes, type PersonAttributes } from './attributes.ts';
import { Cascade } from './cascade.ts';
import { Directory } from './directory.ts';
import { Offers } from './offers.ts';
import { readSettings, type IdentitySettings } from './settings.ts';

export class IdentityService {
  readonly attributes: DirectoryAttributes;
  readonly cascade: Cascade;
  readonly directory: Directory;
  readonly offers: Offers;

  constructor(
    readonly database: Database,
    readonly audit: AuditLog,
    deps: { tokens: TokenService; revocations: Revocations; catalog: CatalogService; webhooks: WebhookService; governance: Services['governance'] },
    opts: { pollIntervalMs?: number } = {},
  ) {
    this.attributes = new DirectoryAttributes(database, (m) => process.stderr.write(`trellis: warning: ${m}\n`), opts);
    this.cascade = new Cascade(audit, deps.tokens, deps.revocations, deps.catalog, deps.governance);
    this.directory = new Directory(database, audit, this.attributes, this.cascade);
    this.offers = new Offers(database, audit, deps.catalog, deps.webhooks);
  }

  /** An active person's ABAC attributes by reference (`user:<email>`); undefined for anyone else. */
  attributesOf(ref: string): PersonAttributes | undefined {
    return this.attributes.get(ref);
  }

  settings(): Promise<IdentitySettings> {
    return readSettings(this.database.db);
  }
}
