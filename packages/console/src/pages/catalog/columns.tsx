/**
 * The catalog table's columns. On a phone only the name and the two badges a reviewer scans
 * for (status, classification) stay; the rest is one tap away on the app page.
 */
import type { ColumnDef, SortingState } from '@tanstack/react-table';
import { Anchor, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { seg } from '../../api/client.ts';
import { ClassificationBadge, StatusBadge, TierBadge } from '../../components/badges.tsx';
import type { AppSummary } from '../app/types.ts';
import type { CatalogSort } from './catalog-filters.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

const nameColumn: ColumnDef<AppSummary, unknown> = {
  id: 'name',
  header: 'App',
  // The order itself is the server's (sortable columns need an accessor to offer a header button).
  accessorFn: (a) => a.name,
  size: 280,
  cell: ({ row }) => (
    <Stack gap={0}>
      {/* The row opens the app too; stopping here keeps one navigation per click. */}
      <Anchor component={Link} to={`/apps/${seg(row.original.name)}`} onClick={(e) => e.stopPropagation()} fw={600} size="sm">
        {row.original.name}
      </Anchor>
      {row.original.title ? (
        <Text size="xs" c="dimmed" lineClamp={1}>
          {row.original.title}
        </Text>
      ) : null}
    </Stack>
  ),
};

const statusColumn: ColumnDef<AppSummary, unknown> = { id: 'status', header: 'Status', size: 130, cell: ({ row }) => <StatusBadge status={row.original.status} /> };
const classificationColumn: ColumnDef<AppSummary, unknown> = { id: 'classification', header: 'Classification', size: 140, cell: ({ row }) => <ClassificationBadge value={row.original.classification} /> };

const wideOnly: ColumnDef<AppSummary, unknown>[] = [
  { id: 'risk', header: 'Risk', size: 150, accessorFn: (a) => a.risk_tier, sortDescFirst: true, cell: ({ row }) => <TierBadge tier={row.original.risk_tier} {...(row.original.risk_score !== null ? { score: row.original.risk_score } : {})} /> },
  { id: 'owner', header: 'Owner', size: 220, cell: ({ row }) => <Text size="sm" lineClamp={1}>{row.original.owner}</Text> },
  { id: 'team', header: 'Team', size: 140, cell: ({ row }) => <Text size="sm">{row.original.team ?? '—'}</Text> },
  { id: 'connectors', header: 'Connectors', size: 180, cell: ({ row }) => <Text size="sm" lineClamp={1}>{row.original.connectors.join(', ') || '—'}</Text> },
  { id: 'updated', header: 'Updated', size: 130, accessorFn: (a) => a.updated_at, sortDescFirst: true, cell: ({ row }) => <Text size="sm">{dateFormat.format(new Date(row.original.updated_at))}</Text> },
];

export function catalogColumns(phone: boolean): ColumnDef<AppSummary, unknown>[] {
  return phone ? [nameColumn, statusColumn, classificationColumn] : [nameColumn, statusColumn, classificationColumn, ...wideOnly];
}

/** The API's sort key behind each sortable column. */
const sortKeyOf = { name: 'name', risk: 'risk_score', updated: 'updated_at' } as const;

/** The table's header state for an order (none for an order no column shows, such as registration). */
export function tableSorting(sort: CatalogSort): SortingState {
  const desc = sort.startsWith('-');
  const key = desc ? sort.slice(1) : sort;
  const column = (Object.keys(sortKeyOf) as (keyof typeof sortKeyOf)[]).find((c) => sortKeyOf[c] === key);
  return column ? [{ id: column, desc }] : [];
}

/** The order a header click asks for. */
export function sortFromTable(state: SortingState): CatalogSort {
  const first = state[0];
  const key = first && first.id in sortKeyOf ? sortKeyOf[first.id as keyof typeof sortKeyOf] : 'name';
  return (first?.desc ? `-${key}` : key) as CatalogSort;
}
