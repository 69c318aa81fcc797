/**
 * PostgreSQL text that names things: identifier and literal quoting, and a resource's table.
 * Values always travel as bind parameters; names cannot (a table or column is not a parameter),
 * so these are the only way a name reaches SQL text — in the gateway's compiled queries, the
 * leases' role statements and the connector drafts' introspection.
 */

/** `"name"`, with `"` doubled; refuses what no identifier may hold. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new Error('an SQL identifier must be non-empty and free of NUL characters');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A string literal, for the statements that take no parameters (CREATE ROLE … PASSWORD). With
 * standard_conforming_strings (on since PostgreSQL 9.1) a backslash is an ordinary character;
 * the E'' spelling is used when one is present so the literal means the same either way.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('an SQL literal must be free of NUL characters');
  const doubled = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${doubled.replaceAll('\\', '\\\\')}'` : `'${doubled}'`;
}

/** `[schema, table]`: `hr.employees` splits at its first dot; an unqualified name is in `defaultSchema`. */
export function splitTable(table: string, defaultSchema: string | undefined): [string | undefined, string] {
  const dot = table.indexOf('.');
  return dot > 0 && dot < table.length - 1 ? [table.slice(0, dot), table.slice(dot + 1)] : [defaultSchema, table];
}

/** `"schema"."table"` (or `"table"` when there is no schema to name). */
export function quoteTable(table: string, defaultSchema: string | undefined): string {
  const [schema, name] = splitTable(table, defaultSchema);
  return schema === undefined ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
