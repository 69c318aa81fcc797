/**
 * The first list page as the bare baseline builds it: the SELECT Trellis runs for
 * `GET /api/v1/apps?limit=50` (each app's name and its summary as JSON written by the
 * database, name order, one row past the page to know whether there is a next one; see
 * catalog/store.ts), and the page joined from those items as the catalog joins them.
 */
import { pageJson } from '../../packages/trellis/src/catalog/model.ts';
import { appSummaryFields } from '../../packages/trellis/src/catalog/store.ts';

export interface PageRow {
  name: string;
  summary: string;
}

// The page's fields and their columns, from the catalog itself, so the baseline cannot drift.
const column = (c: string): string => `"catalog_apps"."${c}"`;

export function pageSql(dialect: 'sqlite' | 'postgres'): string {
  if (dialect === 'sqlite') {
    const args = appSummaryFields.map(([k, c]) => `'${k}', ${k === 'connectors' ? `json(${column(c)})` : column(c)}`).join(', ');
    return `select "catalog_apps"."name", json_object(${args}) as "summary" from "catalog_apps" order by "catalog_apps"."name" asc limit ?`;
  }
  const cols = appSummaryFields.map(([k, c]) => `${column(c)}${k === 'connectors' ? '::json' : ''} as "${k}"`).join(', ');
  return `select "catalog_apps"."name", (select to_json(s)::text from (select ${cols}) as s) as "summary" from "catalog_apps" order by "catalog_apps"."name" asc limit $1`;
}

export function toPage(rows: PageRow[]): string {
  return pageJson(rows, 50);
}
