/**
 * The secret store's metadata (secrets:read): name, kind, current version, rotation schedule
 * and whether a rotation is due, and when it last changed. Values never reach this page; the
 * API has no answer that carries one. A row opens the secret (?secret= in the address); admins
 * store new secrets and rotate them from here.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Group, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useSearchParams } from 'react-router';
import { api } from '../../api/client.ts';
import { Can, useSession } from '../../auth/session.tsx';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import type { Secret } from './types.ts';
import { SecretDrawer, rotationText } from './secret-drawer.tsx';
import { SecretForm } from './secret-form.tsx';
import { RotateSecret } from './rotate-secret.tsx';
import { exact, relative } from './when.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

export function SecretsTab() {
  const { may } = useSession();
  const write = may('secrets:write');
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const open = params.get('secret');
  const list = useQuery({ queryKey: ['secrets', 'list'], queryFn: () => api<{ items: Secret[] }>('/api/v1/secrets') });
  const setOpen = (name: string | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (name) next.set('secret', name);
        else next.delete('secret');
        return next;
      },
      { replace: !name },
    );

  const add = (
    <Can permission="secrets:write">
      <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
        New secret
      </Button>
    </Can>
  );

  let body;
  if (list.isPending) body = <Loading what="secrets" />;
  else if (list.isError) body = <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.items.length === 0)
    body = (
      <Empty title="No secrets yet" action={add}>
        Connectors name the secrets holding their passwords and API keys. Store one here, then reference it by name in the connector's manifest.
      </Empty>
    );
  else
    body = (
      <ScrollTable minWidth={write ? 820 : 720} label="Secrets">
        <Table aria-label="Secrets" striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Rotation</Table.Th>
              <Table.Th>Next rotation</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Updated</Table.Th>
              {write ? <Table.Th>Action</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((s) => (
              <Table.Tr key={s.name} data-testid={`secret-${s.name}`}>
                <Table.Td>
                  <UnstyledButton onClick={() => setOpen(s.name)} className="mono" fw={600} fz="sm" td="underline" aria-label={`Open secret ${s.name}`}>
                    {s.name}
                  </UnstyledButton>
                  {s.description ? (
                    <Text size="xs" c="dimmed">
                      {s.description}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>{s.kind}</Table.Td>
                <Table.Td>{s.current_version}</Table.Td>
                <Table.Td>{rotationText(s)}</Table.Td>
                <Table.Td>
                  {s.rotation_due ? (
                    <Badge color="orange" variant="light">
                      due now
                    </Badge>
                  ) : s.next_rotation_at ? (
                    <span title={exact(s.next_rotation_at)}>{relative(s.next_rotation_at)}</span>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>
                  <span title={exact(s.created_at)}>{relative(s.created_at)}</span>
                </Table.Td>
                <Table.Td>
                  <span title={exact(s.updated_at)}>{relative(s.updated_at)}</span> by {s.updated_by}
                </Table.Td>
                {write ? (
                  <Table.Td>
                    <RotateSecret secret={s} />
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
          Values are encrypted at rest and never shown. Whoever reads through Trellis (the gateway, leases, exports) gets them; people see only names, versions and schedules.
        </Text>
        {list.data && list.data.items.length > 0 ? add : null}
      </Group>
      {body}
      {open ? <SecretDrawer name={open} onClose={() => setOpen(null)} /> : null}
      {creating ? <SecretForm onClose={() => setCreating(false)} onCreated={(n) => setOpen(n)} /> : null}
    </Stack>
  );
}
