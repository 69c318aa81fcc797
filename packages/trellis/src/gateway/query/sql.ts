/**
 * The SQL pieces the compiler assembles: numbered parameters here, quoted identifiers from
 * db/pg-sql.ts. Every identifier written into a statement comes from the connector's catalog
 * (the compiler looks the request's names up and writes the catalog's); every value is a
 * parameter. So no text from a request is ever part of the SQL.
 */

/** The values of one statement, each written as `$n` where it is used. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
