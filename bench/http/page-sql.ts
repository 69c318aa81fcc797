/**
 * The first list page as the bare baseline builds it: the SELECT Trellis runs for
 * `GET /api/v1/apps?limit=50` (the summary columns, name order, one row past the page to know
 * whether there is a next one) and the same row-to-JSON mapping the catalog uses.
 */
import { encodeCursor, toSummary } from '../../packages/trellis/src/catalog/model.ts';
import type { AppRow } from '../../packages/trellis/src/catalog/store.ts';

export type PageRow = AppRow;

const columns = 'name, title, description, owner, team, status, classification, risk_tier, runtime, connectors, current_version, created_at, updated_at';

export function pageSql(dialect: 'sqlite' | 'postgres'): string {
  return `select ${columns} from catalog_apps order by name asc limit ${dialect === 'sqlite' ? '?' : '$1'}`;
}

export function toPage(rows: PageRow[]): { items: ReturnType<typeof toSummary>[]; next_cursor: string | null } {
  const page = rows.slice(0, 50);
  return { items: page.map(toSummary), next_cursor: rows.length > 50 ? encodeCursor(page[page.length - 1]!.name) : null };
}
