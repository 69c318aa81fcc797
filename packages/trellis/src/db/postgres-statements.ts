/**
 * Prepared statements for PostgreSQL. node-postgres prepares a query server-side only when it
 * carries a name, and Kysely sends none, so every request-path query was parsed and planned
 * anew. Here each pooled connection names the parameterised DML it runs, by a hash of the SQL
 * text: the first run prepares it on that connection, later runs only bind and execute.
 *
 * Named statements live as long as their connection and PostgreSQL never drops them itself, so
 * each connection names at most STATEMENTS_PER_CONNECTION distinct texts; anything past that
 * (generated texts such as bulk inserts of varying size) runs unnamed, as before. DDL is never
 * named. Nor is a statement with `*` in it: when another replica's migration adds a column, a
 * prepared `select *` would fail with "cached plan must not change result type", while one
 * naming its columns keeps working.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

const STATEMENTS_PER_CONNECTION = 200;
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i;

type Query = (...args: unknown[]) => unknown;

const named = new WeakMap<pg.PoolClient, Set<string>>();

const names = new Map<string, string>();

/** A stable statement name for one SQL text (PostgreSQL names are at most 63 bytes); hashed once per text. */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `t_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (names.size >= 10_000) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * Make `client` name the parameterised statements it runs (once per connection). Queries come
 * as `(text, values)` (Kysely) or as one config object `{ text, values, … }` (pg.Pool#query
 * passes it on as is: the gateway's upstream calls).
 */
export function nameStatements(client: pg.PoolClient): void {
  if (named.has(client)) return;
  const texts = new Set<string>();
  named.set(client, texts);
  const original = client.query.bind(client) as Query;
  const nameable = (text: string, values: unknown) => Array.isArray(values) && values.length > 0 && NAMEABLE.test(text) && !text.includes('*') && (texts.has(text) || texts.size < STATEMENTS_PER_CONNECTION);
  const query: Query = (text, values, ...rest) => {
    if (typeof text === 'string' && nameable(text, values)) {
      texts.add(text);
      return original({ name: statementName(text), text, values }, ...rest);
    }
    const config = text as Partial<pg.QueryConfig> | null;
    if (config && typeof config === 'object' && typeof config.text === 'string' && config.name === undefined && nameable(config.text, config.values)) {
      texts.add(config.text);
      return original({ ...config, name: statementName(config.text) }, values, ...rest);
    }
    return original(text, values, ...rest);
  };
  (client as unknown as { query: Query }).query = query;
}

/** The pool as Kysely sees it: the same connections, each naming its statements. */
export function namedStatementPool(pool: pg.Pool): { connect(): Promise<pg.PoolClient>; end(): Promise<void> } {
  return {
    async connect() {
      const client = await pool.connect();
      nameStatements(client);
      return client;
    },
    end: () => pool.end(),
  };
}
