/**
 * The module contract: what a capability folder hands the platform. Each capability exports one
 * `TrellisModule` from its `index.ts`, and `modules.ts` lists them in dependency order; from
 * that one list the platform builds the service container, runs the migrations, registers the
 * routes and CLI commands, starts and stops background jobs, and assembles the permission
 * matrix and the error catalogue (and the docs generated from them).
 *
 * Two registries are filled by declaration merging, the way Fastify plugins add decorators, so
 * a new module edits no central file:
 * - `Services`: a module that creates a service adds its key here
 *   (`declare module '../module.ts' { interface Services { catalog: CatalogService } }`);
 * - `Tables` (db/tables.ts): a module adds its row types there.
 * Nothing else leaves a capability folder except what its `index.ts` exports.
 *
 * A definition stays light: it loads its services, routes and migrations with `import()` when
 * they are first needed, so `trellis --help` or an API-only command does not load the database
 * layer, the DLP engine and the schemas of every module.
 */
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { Database } from './db/database.ts';
import type { ModuleMigrations } from './db/migrate.ts';
import type { ErrorTable } from './errors.ts';
import type { CliContext } from './cli/context.ts';
import type { Config } from './config.ts';

/** What a module's key derives for: each use its own key (keys/master-key.ts derives them with HKDF). */
export type KeyPurpose = 'audit.checkpoint-signing' | 'dlp.hash' | 'dlp.tokenize' | 'dlp.encrypt' | 'audit.protect' | 'audit.row-mac' | 'audit.subject' | 'key.check' | 'webhooks.secret' | 'policy.input' | 'oauth.signing' | 'sso.state' | 'leases.password' | 'gateway.cursor' | 'exports.quarantine';

/**
 * The installation's keys as modules see them: purpose keys, never the master or root key itself.
 * Purpose keys derive from the installation's stable root key, so rotating the master key
 * changes none of them; key-encryption keys (KEKs) derive from the master keys, so envelope
 * encryption (secrets/) can re-wrap its data keys when the master key changes (keys/master-key.ts).
 */
export interface KeyRing {
  derive(purpose: KeyPurpose): Buffer;
  /** The current master key's KEK and its key id: new data keys are wrapped under it. */
  kek(): { id: string; key: Buffer };
  /** The KEK of the master key with this id (the current one or a previous one this replica holds); throws `key_missing` naming the id. */
  kekById(id: string): Buffer;
}

/** The roles a person or token can hold; permissions are granted to these. */
/** `provisioner` is the IdP's SCIM client: it holds only `scim:provision`. */
export const roles = ['admin', 'reviewer', 'builder', 'auditor', 'viewer', 'provisioner'] as const;
export type Role = (typeof roles)[number];

/** A module's permissions: name (`<module>:<verb>`) → what it allows and which roles hold it. */
export type PermissionTable = Record<string, { description: string; roles: readonly Role[] }>;

/**
 * The service container. It starts with what the platform itself provides; each module that
 * creates services adds their keys by declaration merging (see above).
 */
export interface Services {
  database: Database;
  /** The installation's key ring: every purpose key is derived from it. */
  keys: KeyRing;
  /** Every module's permissions, merged (modules.ts): what each role may do. */
  permissions: PermissionTable;
  /** The server's resolved configuration (config.ts); defaults where services run without a server. */
  config: Config;
}

export interface TrellisModule {
  /** Short lower-case name, the same as its folder. */
  name: string;
  /** The permissions its routes require; `docs/permissions.md` lists all modules' together. */
  permissions?: PermissionTable;
  /** Its own error codes (`defineErrors(...).table`); the core codes are in errors.ts. */
  errors?: ErrorTable;
  /** Migrations of the tables it owns (and only those). */
  migrations?: ModuleMigrations;
  /** Creates its services from those of the modules listed before it. */
  services?(services: Services): Partial<Services> | Promise<Partial<Services>>;
  /** Registers its HTTP routes; each names a permission or says it is public. */
  routes?(app: FastifyInstance, services: Services): void | Promise<void>;
  /** Registers its `trellis` subcommands. */
  cli?(program: Command, ctx: CliContext<Services>): void;
  /** Background work, started once the server's services exist (polling, sweeping). */
  start?(services: Services): Promise<void> | void;
  /** Stops that work before the database closes; modules stop in reverse order. */
  stop?(services: Services): Promise<void> | void;
}
