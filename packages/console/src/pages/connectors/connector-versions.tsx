/**
 * Every manifest version of a connector, oldest first as the server keeps them, newest shown
 * first; any one can be opened to read the manifest it stored.
 */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Code, Stack, Table, Text } from '@mantine/core';
import { api, seg } from '../../api/client.ts';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import type { ConnectorVersion, ConnectorVersionSummary } from './types.ts';
import { exact, relative } from './when.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

function VersionManifest({ name, version }: { name: string; version: number }) {
  const q = useQuery({ queryKey: ['connectors', 'version', name, version], queryFn: () => api<ConnectorVersion>(`/api/v1/connectors/${seg(name)}/versions/${seg(version)}`) });
  if (q.isPending) return <Loading what={`version ${version}`} />;
  if (q.isError) return <ProblemAlert error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Code block mah={360} style={{ overflow: 'auto' }} tabIndex={0}>
      {JSON.stringify(q.data.manifest, null, 2)}
    </Code>
  );
}

export function ConnectorVersions({ name }: { name: string }) {
  const [open, setOpen] = useState<number | null>(null);
  const q = useQuery({ queryKey: ['connectors', 'versions', name], queryFn: () => api<{ items: ConnectorVersionSummary[] }>(`/api/v1/connectors/${seg(name)}/versions`) });
  if (q.isPending) return <Loading what="versions" />;
  if (q.isError) return <ProblemAlert error={q.error} onRetry={() => void q.refetch()} />;
  const items = [...q.data.items].reverse();
  return (
    <Stack gap="sm">
      <ScrollTable minWidth={480} label={`Versions of ${name}`}>
        <Table aria-label={`Versions of ${name}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>Applied</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>Manifest</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((v) => (
              <Table.Tr key={v.version}>
                <Table.Td>{v.version}</Table.Td>
                <Table.Td>
                  <span title={exact(v.created_at)}>{relative(v.created_at)}</span>
                </Table.Td>
                <Table.Td>{v.created_by.name ?? v.created_by.id}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" onClick={() => setOpen(open === v.version ? null : v.version)} aria-expanded={open === v.version} aria-label={`${open === v.version ? 'Hide' : 'Show'} the manifest of version ${v.version}`}>
                    {open === v.version ? 'Hide' : 'Show'}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {open !== null ? (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Version {open}
          </Text>
          <VersionManifest name={name} version={open} />
        </Stack>
      ) : null}
    </Stack>
  );
}
