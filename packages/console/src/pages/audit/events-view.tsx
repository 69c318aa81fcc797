/**
 * The trail, newest first, a page of 100 at a time from the server as the table scrolls
 * (cursor: the last sequence number), under the filters in the address. A row opens the event.
 */
import { useCallback, useMemo, useState } from 'react';
import { Button, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { VirtualTable } from '../../components/virtual-table.tsx';
import { apiQuery, isFiltered, type AuditFilters } from './filters.ts';
import { eventColumns } from './columns.tsx';
import { EventDrawer } from './event-drawer.tsx';
import type { AuditRecord, EventPage } from './types.ts';

const pageSize = 100;
const numbers = new Intl.NumberFormat();

export function EventsView({ filters, onClear }: { filters: AuditFilters; onClear: () => void }) {
  const query = apiQuery(filters);
  const events = useInfiniteQuery({
    queryKey: ['audit', 'events', 'explorer', query],
    queryFn: ({ pageParam, signal }) => api<EventPage>('/api/v1/audit/events', { query: { ...query, order: 'desc', limit: pageSize, after: pageParam }, signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [open, setOpen] = useState<AuditRecord | null>(null);
  const rows = useMemo(() => events.data?.pages.flatMap((p) => p.items) ?? [], [events.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = events;
  const more = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  if (events.isPending) return <Loading what="audit events" />;
  if (events.isError) return <ProblemAlert error={events.error} title="Audit events could not be loaded" onRetry={() => void events.refetch()} />;
  if (rows.length === 0)
    return isFiltered(filters) ? (
      <Empty
        title="No events match these filters"
        action={
          <Button variant="light" onClick={onClear}>
            Clear filters
          </Button>
        }
      >
        Widen the time window, or check the actor and action: both must match exactly.
      </Empty>
    ) : (
      <Empty title="The trail is empty">Events appear here as people and services use Trellis: register an app to write the first.</Empty>
    );
  return (
    <>
      <Text size="sm" c="dimmed" role="status" mb="xs">
        {numbers.format(rows.length)} event{rows.length === 1 ? '' : 's'} shown, newest first{hasNextPage ? '; more as you scroll' : ''}.
      </Text>
      <VirtualTable data={rows} columns={eventColumns} label="Audit events" rowKey={(r) => String(r.seq)} onRowClick={setOpen} onEndReached={more} loadingMore={isFetchingNextPage} height="calc(100vh - 420px)" />
      <EventDrawer record={open} onClose={() => setOpen(null)} />
    </>
  );
}
