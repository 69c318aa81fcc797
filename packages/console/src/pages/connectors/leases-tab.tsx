/**
 * Dynamic database credentials (leases:read): each lease's app, connector, database role,
 * state, and when it expires; never a password (the API has none to give). Filtered by state
 * (active by default), app and connector, paged from the server 50 at a time. Admins renew and
 * revoke them.
 */
import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Group, NativeSelect, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { api } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import type { LeaseList } from './types.ts';
import { LeaseStateBadge } from './status-badges.tsx';
import { LeaseActions } from './lease-actions.tsx';
import { exact, relative } from './when.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

const namePattern = /^[a-z0-9][a-z0-9-]*$/;

export function LeasesTab() {
  const { may } = useSession();
  const manage = may('leases:manage');
  const [state, setState] = useState('active');
  const [appInput, setAppInput] = useState('');
  const [connectorInput, setConnectorInput] = useState('');
  const [app] = useDebouncedValue(appInput.trim(), 300);
  const [connector] = useDebouncedValue(connectorInput.trim(), 300);
  // A filter the server would refuse (not a name) is not sent; the field says why instead.
  const appOk = app === '' || namePattern.test(app);
  const connectorOk = connector === '' || namePattern.test(connector);
  const list = useInfiniteQuery({
    queryKey: ['leases', 'list', state, app, connector],
    queryFn: ({ pageParam }) => api<LeaseList>('/api/v1/leases', { query: { state, app: appOk ? app : undefined, connector: connectorOk ? connector : undefined, limit: 50, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: 60_000,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(app || connector || state !== 'active');

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={640}>
        Each app binding a PostgreSQL connector with dynamic credentials reads through its own short-lived database role. Passwords are never shown.
      </Text>
      <Group gap="sm" align="flex-start" wrap="wrap">
        <NativeSelect label="State" value={state} onChange={(e) => setState(e.currentTarget.value)} data={[{ value: 'active', label: 'Active' }, { value: 'expired', label: 'Expired' }, { value: 'revoked', label: 'Revoked' }, { value: '', label: 'Any state' }]} />
        <TextInput label="App" placeholder="leave-requests" value={appInput} onChange={(e) => setAppInput(e.currentTarget.value)} error={appOk ? undefined : 'an app name: lower-case letters, digits and hyphens'} />
        <TextInput label="Connector" placeholder="hr" value={connectorInput} onChange={(e) => setConnectorInput(e.currentTarget.value)} error={connectorOk ? undefined : 'a connector name: lower-case letters, digits and hyphens'} />
      </Group>
      {list.isPending ? (
        <Loading what="leases" />
      ) : list.isError ? (
        <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <Empty title={filtered ? 'No lease matches these filters' : 'No active leases'}>
          {filtered ? 'Clear the app and connector filters or choose “Any state”.' : 'Leases appear when an approved app calls a connector with dynamic credentials through the gateway.'}
        </Empty>
      ) : (
        <ScrollTable minWidth={manage ? 960 : 820} label="Leases">
          <Table aria-label="Leases" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>App</Table.Th>
                <Table.Th>Connector</Table.Th>
                <Table.Th>Database role</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Renewable until</Table.Th>
                <Table.Th>Created</Table.Th>
                {manage ? <Table.Th>Actions</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td className="mono">{l.app}</Table.Td>
                  <Table.Td className="mono">{l.connector}</Table.Td>
                  <Table.Td>
                    <Tooltip label={`${l.database.host}:${l.database.port}/${l.database.database}; ${l.grants.length} table grant${l.grants.length === 1 ? '' : 's'}`}>
                      <Text span size="sm" className="mono" tabIndex={0}>
                        {l.role}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <LeaseStateBadge state={l.state} />
                    {l.drop_error ? (
                      <Text size="xs" c="red">
                        role not dropped yet: {l.drop_error}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <span title={exact(l.expires_at)}>{l.state === 'revoked' ? `revoked ${relative(l.revoked_at)}` : relative(l.expires_at)}</span>
                  </Table.Td>
                  <Table.Td>
                    <span title={exact(l.max_expires_at)}>{relative(l.max_expires_at)}</span>
                  </Table.Td>
                  <Table.Td>
                    <span title={exact(l.created_at)}>{relative(l.created_at)}</span>
                  </Table.Td>
                  {manage ? <Table.Td>{l.state === 'active' ? <LeaseActions lease={l} /> : null}</Table.Td> : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      {list.hasNextPage ? (
        <Group>
          <Button variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            Load more leases
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
