/**
 * The SQL pieces the compiler assembles: quoted identifiers and numbered parameters. Every
 * identifier written into a statement is quoted here, and comes from the connector's catalog
 * (the compiler looks the request's names up and writes the catalog's); every value is a
 * parameter. So no text from a request is ever part of the SQL.
 */

/** A PostgreSQL quoted identifier: `"x"`, inner double quotes doubled. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new Error('an SQL identifier must be non-empty and free of NUL characters');
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A resource's table: `hr.employees` is table `employees` in schema `hr`; an unqualified name
 * is read in the connector's schema when one is given.
 */
export function quoteTable(resource: string, schema: string | undefined): string {
  const dot = resource.indexOf('.');
  if (dot > 0) return `${quoteIdent(resource.slice(0, dot))}.${quoteIdent(resource.slice(dot + 1))}`;
  return schema ? `${quoteIdent(schema)}.${quoteIdent(resource)}` : quoteIdent(resource);
}

/** The values of one statement, each written as `$n` where it is used. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
