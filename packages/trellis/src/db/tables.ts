/**
 * The database as Kysely sees it. Empty here on purpose: each module adds its own tables from
 * its rows.ts by declaration merging (`declare module '../db/tables.ts' { interface Tables { … } }`),
 * and only that module's store.ts queries them.
 */
export interface Tables {}
