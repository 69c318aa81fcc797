/**
 * Column definitions that mean the same on both databases, for modules' migrations: a
 * surrogate key that counts up, and text compared in byte order.
 */
import { sql, type ColumnDefinitionBuilder, type ColumnDataType } from 'kysely';
import type { DialectName } from './database.ts';

/** An integer primary key the database numbers: an identity column on PostgreSQL, SQLite's rowid alias. */
export function surrogateKey(dialect: DialectName): [ColumnDataType, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  return dialect === 'postgres' ? ['bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity()] : ['integer', (c) => c.primaryKey().autoIncrement()];
}

/** Byte order ("C") on PostgreSQL, as SQLite compares, so pages by name come in the same order on both. */
export function nameCollation(c: ColumnDefinitionBuilder, dialect: DialectName): ColumnDefinitionBuilder {
  return dialect === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
}
