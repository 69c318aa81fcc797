/**
 * Reading this app's part of the audit trail (GET /api/v1/audit/events), newest first, a page
 * at a time, and showing it as a table: when, what, outcome (in words), and the event's message.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { Badge, Code, Table, Text } from '@mantine/core';
import { api, type Query } from '../../api/client.ts';
import { when } from './format.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

/** The parts of an OCSF event (audit/ocsf.ts) this page reads. */
export interface AuditRecord {
  seq: number;
  event: {
    class_uid: number;
    class_name: string;
    time_dt: string;
    status: string;
    message: string;
    actor: { user: { uid: string; name?: string; type: string; uid_alt?: string } };
    api: { operation: string };
  };
}

export const auditClasses = { api: 6003, datastore: 6005 } as const;

export function useAuditEvents(key: readonly unknown[], query: Query, enabled = true) {
  return useInfiniteQuery({
    queryKey: ['audit', 'events', ...key, query],
    queryFn: ({ pageParam, signal }) => api<{ items: AuditRecord[]; next_cursor: number | null }>('/api/v1/audit/events', { query: { ...query, order: 'desc', limit: 100, after: pageParam }, signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
}

export function EventTable({ events, label, showActor = false }: { events: AuditRecord[]; label: string; showActor?: boolean }) {
  return (
    <ScrollTable minWidth={720} label={label}>
      <Table aria-label={label} striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Outcome</Table.Th>
            {showActor ? <Table.Th>By</Table.Th> : null}
            <Table.Th>What happened</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((r) => (
            <Table.Tr key={r.seq}>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {when(r.event.time_dt)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Code>{r.event.api.operation}</Code>
                <Text size="xs" c="dimmed">
                  {r.event.class_name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={r.event.status === 'Success' ? 'teal' : 'red'} variant="dot" tt="none">
                  {r.event.status === 'Success' ? 'succeeded' : 'refused or failed'}
                </Badge>
              </Table.Td>
              {showActor ? (
                <Table.Td>
                  <Text size="sm">{r.event.actor.user.uid_alt ?? r.event.actor.user.name ?? r.event.actor.user.uid}</Text>
                </Table.Td>
              ) : null}
              <Table.Td>
                <Text size="sm">{r.event.message}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}
