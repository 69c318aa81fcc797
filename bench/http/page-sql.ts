/**
 * The first list page as the bare baseline builds it: the SELECT Trellis runs for
 * `GET /api/v1/apps?limit=50` (each app's name and its summary as JSON written by the
 * database, name order, one row past the page to know whether there is a next one; see
 * catalog/store.ts), and the page joined from those items.
 */
import { encodeCursor } from '../../packages/trellis/src/catalog/model.ts';

export interface PageRow {
  name: string;
  summary: string;
}

const fields = ['name', 'title', 'description', 'owner', 'team', 'status', 'classification', 'risk_tier', 'runtime', 'connectors', 'version', 'created_at', 'updated_at'];
const column = (key: string): string => `"catalog_apps"."${key === 'version' ? 'current_version' : key}"`;

export function pageSql(dialect: 'sqlite' | 'postgres'): string {
  if (dialect === 'sqlite') {
    const args = fields.map((k) => `'${k}', ${k === 'connectors' ? `json(${column(k)})` : column(k)}`).join(', ');
    return `select "catalog_apps"."name", json_object(${args}) as "summary" from "catalog_apps" order by "catalog_apps"."name" asc limit ?`;
  }
  const cols = fields.map((k) => `${column(k)}${k === 'connectors' ? '::json' : ''} as "${k}"`).join(', ');
  return `select "catalog_apps"."name", (select to_json(s)::text from (select ${cols}) as s) as "summary" from "catalog_apps" order by "catalog_apps"."name" asc limit $1`;
}

export function toPage(rows: PageRow[]): string {
  const page = rows.slice(0, 50);
  const next = rows.length > 50 ? JSON.stringify(encodeCursor(page[page.length - 1]!.name)) : 'null';
  return `{"items":[${page.map((r) => r.summary).join(',')}],"next_cursor":${next}}`;
}
