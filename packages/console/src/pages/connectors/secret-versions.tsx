/**
 * A secret's versions, newest first: state in words, the master key wrapping it, when it was
 * made and when a previous one stops being valid. Admins destroy a version that is not current
 * (its data key is deleted, so its value can never be read again), after a confirmation.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { notify } from '../../components/notify.ts';
import { api, seg } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import type { SecretVersion } from './types.ts';
import { VersionStateBadge } from './status-badges.tsx';
import { exact, relative } from './when.ts';
import { overlayProps } from '../../components/readable-errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

export function SecretVersions({ name }: { name: string }) {
  const qc = useQueryClient();
  const { may } = useSession();
  const write = may('secrets:write');
  const [destroying, setDestroying] = useState<number | null>(null);
  const q = useQuery({ queryKey: ['secrets', 'versions', name], queryFn: () => api<{ items: SecretVersion[] }>(`/api/v1/secrets/${seg(name)}/versions`) });
  const destroy = useMutation({
    mutationFn: (v: number) => api<SecretVersion>(`/api/v1/secrets/${seg(name)}/versions/${seg(v)}`, { method: 'DELETE' }),
    onSuccess: (v) => {
      setDestroying(null);
      notify({ color: 'teal', title: `Destroyed version ${v.version} of ${name}`, message: 'Its value can never be read again.' });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ['secrets'] }),
  });
  if (q.isPending) return <Loading what="versions" />;
  if (q.isError) return <ProblemAlert error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <>
      <ScrollTable minWidth={520} label={`Versions of ${name}`}>
        <Table aria-label={`Versions of ${name}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Valid until</Table.Th>
              <Table.Th>Master key</Table.Th>
              {write ? <Table.Th>Action</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.items.map((v) => (
              <Table.Tr key={v.version} data-testid={`secret-version-${v.version}`}>
                <Table.Td>{v.version}</Table.Td>
                <Table.Td>
                  <VersionStateBadge state={v.state} />
                </Table.Td>
                <Table.Td>
                  <span title={exact(v.created_at)}>{relative(v.created_at)}</span> by {v.created_by}
                </Table.Td>
                <Table.Td>{v.state === 'destroyed' ? <span title={exact(v.destroyed_at)}>destroyed {relative(v.destroyed_at)}</span> : v.expires_at ? <span title={exact(v.expires_at)}>{relative(v.expires_at)}</span> : v.state === 'active' ? 'while current' : 'until destroyed'}</Table.Td>
                <Table.Td className="mono">{v.kek_id ?? '—'}</Table.Td>
                {write ? (
                  <Table.Td>
                    {v.state === 'previous' ? (
                      <Button size="xs" variant="subtle" color="red" onClick={() => setDestroying(v.version)} aria-label={`Destroy version ${v.version}`}>
                        Destroy
                      </Button>
                    ) : null}
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <Modal {...overlayProps}
        opened={destroying !== null}
        onClose={() => {
          setDestroying(null);
          destroy.reset();
        }}
        title={`Destroy version ${destroying ?? ''} of ${name}?`}
      >
        <Stack gap="sm">
          <Text size="sm">Its data key is deleted: nothing can read this version again, including whatever still uses it during the overlap.</Text>
          {destroy.isError ? <ProblemAlert error={destroy.error} title="The version was not destroyed" /> : null}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setDestroying(null)}>
              Keep it
            </Button>
            <Button color="red" loading={destroy.isPending} onClick={() => destroying !== null && destroy.mutate(destroying)}>
              Destroy version {destroying}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
