/**
 * The list of reviews, oldest first for the open queue: app and version, risk, classification,
 * who asked and how long it has waited. Pages come from the server by cursor as the reader
 * scrolls; a row opens the review.
 */
import { useMemo } from 'react';
import { Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { api } from '../../api/client.ts';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { VirtualTable } from '../../components/virtual-table.tsx';
import { actorName, age } from './format.ts';
import { ReviewStatusBadge, TierBadge, words } from '../../components/badges.tsx';
import { reviewStatuses, type Review, type ReviewList, type ReviewStatus } from './types.ts';

const pageSize = 50;

interface Props {
  status: ReviewStatus | 'any';
  app: string;
  onFilter: (next: { status: ReviewStatus | 'any'; app: string }) => void;
  onOpen: (review: Review) => void;
}

export function ReviewQueue({ status, app, onFilter, onOpen }: Props) {
  const [appFilter] = useDebouncedValue(app.trim(), 300);
  const query = useInfiniteQuery({
    queryKey: ['reviews', 'list', { status, app: appFilter }],
    queryFn: ({ pageParam, signal }) => api<ReviewList>('/api/v1/reviews', { query: { status: status === 'any' ? undefined : status, app: appFilter || undefined, limit: pageSize, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const columns = useMemo<ColumnDef<Review, unknown>[]>(
    () => [
      {
        id: 'app',
        header: 'App',
        size: 220,
        cell: ({ row }) => (
          <Stack gap={0}>
            <Text size="sm" fw={600}>
              {row.original.app}
            </Text>
            <Text size="xs" c="dimmed">
              v{row.original.version} · {row.original.kind}
            </Text>
          </Stack>
        ),
      },
      { id: 'risk', header: 'Risk', size: 110, cell: ({ row }) => <TierBadge tier={row.original.risk.tier} score={row.original.risk.score} /> },
      { id: 'classification', header: 'Classification', size: 130, cell: ({ row }) => row.original.classification ?? 'none' },
      { id: 'requested', header: 'Requested by', size: 220, cell: ({ row }) => actorName(row.original.submitted_by) },
      { id: 'age', header: 'Age', size: 80, cell: ({ row }) => <span title={row.original.submitted_at}>{age(row.original.submitted_at)}</span> },
      { id: 'status', header: 'Status', size: 140, cell: ({ row }) => <ReviewStatusBadge status={row.original.status} /> },
    ],
    [],
  );

  return (
    <Stack gap="sm">
      <Group wrap="wrap" align="flex-end">
        <Select
          label="Status"
          data={[{ value: 'any', label: 'Any status' }, ...reviewStatuses.map((s) => ({ value: s, label: s === 'open' ? 'Open (the queue)' : words(s) }))]}
          value={status}
          onChange={(s) => onFilter({ status: (s ?? 'open') as ReviewStatus | 'any', app })}
          allowDeselect={false}
          w={{ base: '100%', xs: 200 }}
        />
        <TextInput label="App" placeholder="leave-requests" description="The app's exact name" value={app} onChange={(e) => onFilter({ status, app: e.currentTarget.value })} w={{ base: '100%', xs: 240 }} />
      </Group>
      {query.isPending ? (
        <Loading what="reviews" />
      ) : query.isError ? (
        <ProblemAlert error={query.error} onRetry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty title={status === 'open' ? 'No reviews are waiting' : 'No reviews match'}>
          {status === 'open' ? 'Apps that need a person’s decision appear here when they are registered or updated.' : 'Change the status or clear the app name to see more.'}
        </Empty>
      ) : (
        <VirtualTable
          data={rows}
          columns={columns}
          label="Reviews"
          rowKey={(r) => r.id}
          onRowClick={onOpen}
          onEndReached={query.hasNextPage ? () => void query.fetchNextPage() : undefined}
          loadingMore={query.isFetchingNextPage}
          height="max(360px, calc(100vh - 320px))"
          rowHeight={52}
        />
      )}
    </Stack>
  );
}
