/** Printing results: aligned tables for people, JSON for scripts (`--output json`). */

export type Row = Record<string, unknown>;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function formatTable(rows: Row[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

export function print(output: 'table' | 'json', data: unknown, table: () => string): void {
  process.stdout.write((output === 'json' ? JSON.stringify(data, null, 2) : table()) + '\n');
}
