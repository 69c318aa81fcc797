/**
 * The installation's custom detectors (dlp:read): id, entity, status, version, samples and the
 * latest sample test, each in words. Roles with dlp:manage add, edit, activate, deactivate and
 * delete them; others see the list alone. The registry holds at most 200, so one request
 * lists them all.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Button, Group, List, Stack, Table, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { api } from '../../api/client.ts';
import { Can, useSession } from '../../auth/session.tsx';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import type { DetectorList, DetectorStatus } from './types.ts';
import { DetectorActions } from './detector-actions.tsx';
import { DetectorEditor } from './detector-editor.tsx';
import { ScrollTable } from '../../components/scroll-table.tsx';

const statusColor: Record<DetectorStatus, string> = { active: 'teal', draft: 'blue', disabled: 'gray' };

export function DetectorsPanel() {
  const { may } = useSession();
  const manage = may('dlp:manage');
  // undefined: no editor open; null: a new detector; a string: that detector.
  const [editing, setEditing] = useState<string | null | undefined>(undefined);
  const list = useQuery({ queryKey: ['dlp', 'detectors'], queryFn: () => api<DetectorList>('/api/v1/dlp/detectors') });

  const add = (
    <Can permission="dlp:manage">
      <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)}>
        New detector
      </Button>
    </Can>
  );

  let body;
  if (list.isPending) body = <Loading what="custom detectors" />;
  else if (list.isError) body = <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.items.length === 0)
    body = (
      <Empty title="No custom detectors yet" action={add}>
        {manage ? 'Add one for data the built-in detectors do not know, such as employee ids or project code names.' : 'An admin can add detectors for data the built-in ones do not know.'}
      </Empty>
    );
  else
    body = (
      <ScrollTable minWidth={manage ? 900 : 640} label="Custom detectors">
        <Table aria-label="Custom detectors" striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Id</Table.Th>
              <Table.Th>Entity</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Samples</Table.Th>
              <Table.Th>Latest test</Table.Th>
              {manage ? <Table.Th>Actions</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((d) => (
              <Table.Tr key={d.id} data-testid={`detector-${d.id}`}>
                <Table.Td className="mono">{d.id}</Table.Td>
                <Table.Td>{d.definition.entity}</Table.Td>
                <Table.Td>
                  <Badge color={statusColor[d.status]} variant="light">
                    {d.status}
                  </Badge>
                </Table.Td>
                <Table.Td>{d.version}</Table.Td>
                <Table.Td>
                  {d.sample_counts ? `${d.sample_counts.positive} positive, ${d.sample_counts.negative} negative` : '—'}
                </Table.Td>
                <Table.Td>
                  <Badge color={d.last_test.ok ? 'teal' : 'red'} variant="outline">
                    {d.last_test.ok ? 'passes' : 'fails'}
                  </Badge>
                </Table.Td>
                {manage ? (
                  <Table.Td>
                    <DetectorActions detector={d} onEdit={() => setEditing(d.id)} />
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
    );

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" maw={640}>
          Custom detectors run beside the built-in ones in every scan, gateway response and export once active. A detector becomes active only while every positive sample matches and no negative one does.
        </Text>
        {list.data && list.data.items.length > 0 ? add : null}
      </Group>
      {list.data?.load_errors && list.data.load_errors.length > 0 ? (
        <Alert color="orange" title="Some active detectors do not compile and are left out of scans">
          <List size="sm">
            {list.data.load_errors.map((e) => (
              <List.Item key={e.id}>
                {e.id}: {e.message}
              </List.Item>
            ))}
          </List>
          <Text size="sm" mt={4}>
            Edit them to fix the definition, or delete them.
          </Text>
        </Alert>
      ) : null}
      {body}
      {editing !== undefined ? <DetectorEditor id={editing} onClose={() => setEditing(undefined)} /> : null}
    </Stack>
  );
}
