/**
 * The master key's status (keys:read): which master key is current, which ones this replica
 * holds, how many data keys each wraps, and whether a previous key can now be removed. Key ids
 * only; no key material exists in any answer.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Group, List, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { api } from '../../api/client.ts';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import type { KeyStatus } from './types.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

export function KeysTab() {
  const q = useQuery({ queryKey: ['keys'], queryFn: () => api<KeyStatus>('/api/v1/keys') });
  if (q.isPending) return <Loading what="the key status" />;
  if (q.isError) return <ProblemAlert error={q.error} onRetry={() => void q.refetch()} />;
  const k = q.data;
  const previous = k.held_master_key_ids.filter((id) => id !== k.current_master_key_id);
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Stack gap={0}>
          <Text size="xs" c="dimmed">
            Current master key
          </Text>
          <Text className="mono" size="sm">
            {k.current_master_key_id}
          </Text>
        </Stack>
        <Stack gap={0}>
          <Text size="xs" c="dimmed">
            Root key
          </Text>
          <Text className="mono" size="sm">
            {k.root_key_id}
          </Text>
          <Text size="xs" c="dimmed">
            sealed under {k.root_master_key_id}
          </Text>
        </Stack>
        <Stack gap={0}>
          <Text size="xs" c="dimmed">
            Previous master keys held
          </Text>
          <Text className="mono" size="sm">
            {previous.length > 0 ? previous.join(', ') : 'none'}
          </Text>
        </Stack>
      </SimpleGrid>
      <ScrollTable minWidth={360} label="Data keys by master key">
        <Table aria-label="Data keys by master key">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Master key</Table.Th>
              <Table.Th>Secret versions it wraps</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {k.data_keys.map((d) => (
              <Table.Tr key={d.master_key_id}>
                <Table.Td className="mono">
                  <Group gap={6}>
                    {d.master_key_id}
                    {d.master_key_id === k.current_master_key_id ? (
                      <Badge size="xs" variant="light">
                        current
                      </Badge>
                    ) : null}
                  </Group>
                </Table.Td>
                <Table.Td>{d.count}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {previous.length > 0 ? (
        k.previous_keys_removable ? (
          <Alert color="teal" title="The previous master keys can be removed">
            Nothing is wrapped under them any more: take them out of TRELLIS_PREVIOUS_MASTER_KEYS on every replica.
          </Alert>
        ) : (
          <Alert color="orange" title="A rotation of the master key is under way">
            <List size="sm">
              <List.Item>Start every replica with the new TRELLIS_MASTER_KEY and the old one in TRELLIS_PREVIOUS_MASTER_KEYS.</List.Item>
              <List.Item>
                Then run <Text span className="mono">trellis keys rewrap</Text> (or POST /api/v1/keys/rewrap) so the previous keys can be removed.
              </List.Item>
            </List>
          </Alert>
        )
      ) : null}
    </Stack>
  );
}
