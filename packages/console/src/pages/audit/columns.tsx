/** The event table's columns: sequence, time, class, action, outcome in words, who and what. */
import type { ColumnDef } from '@tanstack/react-table';
import { Badge, Text } from '@mantine/core';
import type { AuditRecord } from './types.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
export const when = (iso: string | undefined) => {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
};

export const actorOf = (r: AuditRecord) => r.event.actor?.user?.name ?? r.event.actor?.user?.uid ?? '—';
export const resourceOf = (r: AuditRecord) => {
  const res = r.event.resources?.[0];
  return res ? `${res.type ?? ''} ${res.name ?? res.uid ?? ''}`.trim() : '';
};

export function OutcomeBadge({ status }: { status: string | undefined }) {
  const ok = status === 'Success';
  return (
    // Never narrower than its word: a long message in the last column would squeeze it to "SUCC…".
    <Badge color={ok ? 'teal' : 'red'} variant="light" style={{ minWidth: 'max-content' }}>
      {ok ? 'Success' : (status ?? 'Unknown')}
    </Badge>
  );
}

// One line per row: the virtual table places rows at a fixed height, and wrapped cells would shift them.
const line = { whiteSpace: 'nowrap' } as const;

export const eventColumns: ColumnDef<AuditRecord, unknown>[] = [
  { id: 'seq', header: 'Seq', size: 80, cell: ({ row }) => <Text size="sm" ff="monospace" style={line}>{row.original.seq}</Text> },
  { id: 'time', header: 'When', size: 190, cell: ({ row }) => <Text size="sm" style={line}>{when(row.original.event.time_dt)}</Text> },
  { id: 'class', header: 'Class', size: 150, cell: ({ row }) => <Text size="sm" style={line}>{row.original.event.class_name ?? row.original.event.class_uid ?? '—'}</Text> },
  { id: 'action', header: 'Action', size: 180, cell: ({ row }) => <Text size="sm" ff="monospace" style={line}>{row.original.event.api?.operation ?? '—'}</Text> },
  { id: 'outcome', header: 'Outcome', size: 110, cell: ({ row }) => <OutcomeBadge status={row.original.event.status} /> },
  { id: 'actor', header: 'By', size: 170, cell: ({ row }) => <Text size="sm" style={line}>{actorOf(row.original)}</Text> },
  { id: 'message', header: 'What happened', cell: ({ row }) => <Text size="sm" style={line}>{row.original.event.message ?? resourceOf(row.original)}</Text> },
];
