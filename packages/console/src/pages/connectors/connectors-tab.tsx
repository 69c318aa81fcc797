/**
 * The connectors (connectors:read), paged from the server 50 at a time as the reader scrolls,
 * filtered by type and status. A row opens the connector's detail (its name goes in the
 * address, ?connector=, so the detail can be linked). Admins apply a new manifest here.
 */
import { useMemo, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { Button, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { Can } from '../../auth/session.tsx';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { VirtualTable } from '../../components/virtual-table.tsx';
import type { ConnectorList, ConnectorSummary } from './types.ts';
import { ConnectorStatusBadge } from './status-badges.tsx';
import { ConnectorDrawer } from './connector-drawer.tsx';
import { ApplyManifest } from './apply-manifest.tsx';
import { relative, exact } from './when.ts';

const columns: ColumnDef<ConnectorSummary, unknown>[] = [
  {
    id: 'name',
    header: 'Name',
    cell: ({ row }) => (
      <Stack gap={0}>
        <Text size="sm" fw={600} className="mono">
          {row.original.name}
        </Text>
        {row.original.title ? (
          <Text size="xs" c="dimmed">
            {row.original.title}
          </Text>
        ) : null}
      </Stack>
    ),
  },
  { id: 'type', header: 'Type', cell: ({ row }) => row.original.type },
  { id: 'status', header: 'Status', cell: ({ row }) => <ConnectorStatusBadge status={row.original.status} /> },
  { id: 'owner', header: 'Owner', cell: ({ row }) => row.original.owner },
  { id: 'fields', header: 'Fields (tagged)', cell: ({ row }) => `${row.original.resources} resources, ${row.original.fields} fields (${row.original.tagged_fields} tagged)` },
  { id: 'version', header: 'Version', cell: ({ row }) => row.original.version },
  {
    id: 'updated',
    header: 'Updated',
    cell: ({ row }) => (
      <span title={exact(row.original.updated_at)}>{relative(row.original.updated_at)}</span>
    ),
  },
];

export function ConnectorsTab() {
  const [params, setParams] = useSearchParams();
  const [type, setType] = useState('');
  const [status, setStatus] = useState('');
  const [applying, setApplying] = useState(false);
  const open = params.get('connector');
  const list = useInfiniteQuery({
    queryKey: ['connectors', 'list', type, status],
    queryFn: ({ pageParam }) => api<ConnectorList>('/api/v1/connectors', { query: { type, status, limit: 50, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const setOpen = (name: string | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (name) next.set('connector', name);
        else next.delete('connector');
        return next;
      },
      { replace: !name },
    );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;

  const apply = (
    <Can permission="connectors:write">
      <Button leftSection={<IconUpload size={16} />} onClick={() => setApplying(true)}>
        Apply a manifest
      </Button>
    </Can>
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Group gap="sm" wrap="wrap">
          <NativeSelect label="Type" value={type} onChange={(e) => setType(e.currentTarget.value)} data={[{ value: '', label: 'Any type' }, { value: 'postgres', label: 'PostgreSQL' }, { value: 'http', label: 'HTTP API' }]} />
          <NativeSelect label="Status" value={status} onChange={(e) => setStatus(e.currentTarget.value)} data={[{ value: '', label: 'Any status' }, { value: 'active', label: 'Active' }, { value: 'retired', label: 'Retired' }]} />
        </Group>
        {apply}
      </Group>
      {list.isPending ? (
        <Loading what="connectors" />
      ) : list.isError ? (
        <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <Empty title={type || status ? 'No connector matches these filters' : 'No connectors yet'} action={type || status ? undefined : apply}>
          {type || status ? 'Choose “Any type” and “Any status” to see them all.' : 'A connector describes a database or an API that apps bind, with the data tags of every field. An admin applies its manifest.'}
        </Empty>
      ) : (
        <VirtualTable
          data={rows}
          columns={columns}
          label="Connectors"
          rowKey={(r) => r.name}
          onRowClick={(r) => setOpen(r.name)}
          onEndReached={hasNextPage ? () => void fetchNextPage() : undefined}
          loadingMore={isFetchingNextPage}
          height="min(60vh, 640px)"
          rowHeight={52}
        />
      )}
      {open ? <ConnectorDrawer name={open} onClose={() => setOpen(null)} /> : null}
      {applying ? <ApplyManifest onClose={() => setApplying(false)} onApplied={(name) => setOpen(name)} /> : null}
    </Stack>
  );
}
