/**
 * One connector in a drawer: what it is (type, owner, status, tiers, version), its field
 * catalog, its connection settings (secret names, never values: the manifest holds only
 * references) and its versions. Admins retire or reactivate it here.
 */
import { useQuery } from '@tanstack/react-query';
import { Badge, Drawer, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { api, seg } from '../../api/client.ts';
import { Can } from '../../auth/session.tsx';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import type { ConnectorDetail } from './types.ts';
import { ConnectorStatusBadge } from './status-badges.tsx';
import { FieldCatalog } from './field-catalog.tsx';
import { ConnectorVersions } from './connector-versions.tsx';
import { ConnectorStatusAction } from './connector-status-action.tsx';
import { exact, relative } from './when.ts';
import { overlayProps } from '../../components/readable-errors.ts';
import { Fact } from '../../components/fact.tsx';
import { ScrollTable } from '../../components/scroll-table.tsx';

/** Connection settings flattened to `credentials.secret: hr-db-admin` rows. */
function settingRows(value: unknown, prefix = ''): [string, string][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[prefix, Array.isArray(value) ? value.join(', ') : String(value)]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => settingRows(v, prefix ? `${prefix}.${k}` : k));
}

function Detail({ c }: { c: ConnectorDetail }) {
  const connection = c.catalog.connection;
  return (
    <Stack gap="lg">
      {c.description ? <Text size="sm">{c.description}</Text> : null}
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="md" style={{ flex: 1 }}>
          <Fact label="Status">
            <ConnectorStatusBadge status={c.status} />
          </Fact>
          <Fact label="Type">{c.type}</Fact>
          <Fact label="Owner">{c.owner}</Fact>
          <Fact label="Version">{c.version}</Fact>
          <Fact label="Tiers">{c.tiers.join(', ')}</Fact>
          <Fact label="Updated">
            <span title={exact(c.updated_at)}>
              {relative(c.updated_at)} by {c.updated_by.name ?? c.updated_by.id}
            </span>
          </Fact>
        </SimpleGrid>
        <Can permission="connectors:write">
          <ConnectorStatusAction connector={c} />
        </Can>
      </Group>
      <Stack gap="xs">
        <Title order={3} size="h4">
          Field catalog
        </Title>
        <Text size="sm" c="dimmed">
          {c.resources} resources, {c.fields} fields, {c.tagged_fields} of them tagged. Governance classifies apps from the tags of the fields they bind.
        </Text>
        <FieldCatalog resources={c.catalog.resources} />
      </Stack>
      <Stack gap="xs">
        <Title order={3} size="h4">
          Connection
        </Title>
        {connection ? (
          <ScrollTable minWidth={320} label={`Connection settings of ${c.name}`}>
            <Table aria-label={`Connection settings of ${c.name}`}>
              <Table.Tbody>
                {settingRows(connection).map(([k, v]) => (
                  <Table.Tr key={k}>
                    <Table.Th scope="row" className="mono" fw={500}>
                      {k}
                    </Table.Th>
                    <Table.Td className="mono">{k.endsWith('secret') ? <Badge variant="outline" tt="none">{`secret ${v}`}</Badge> : v}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        ) : (
          <Text size="sm">Catalog only: there are no connection settings, so the gateway refuses calls to it. Apply a manifest with spec.connection to connect it.</Text>
        )}
      </Stack>
      <Stack gap="xs">
        <Title order={3} size="h4">
          Versions
        </Title>
        <ConnectorVersions name={c.name} />
      </Stack>
    </Stack>
  );
}

export function ConnectorDrawer({ name, onClose }: { name: string; onClose: () => void }) {
  const phone = useMediaQuery('(max-width: 48em)');
  const q = useQuery({ queryKey: ['connectors', 'detail', name], queryFn: () => api<ConnectorDetail>(`/api/v1/connectors/${seg(name)}`) });
  return (
    <Drawer {...overlayProps} opened onClose={onClose} position="right" size={phone ? '100%' : 'xl'} title={q.data?.title ? `${name} — ${q.data.title}` : name}>
      {q.isPending ? <Loading what={`connector ${name}`} /> : q.isError ? <ProblemAlert error={q.error} onRetry={() => void q.refetch()} /> : <Detail c={q.data} />}
    </Drawer>
  );
}
