/**
 * A connector's field catalog as governance reads it: each resource (a table, view or API path)
 * with the tiers that may bind it, and each field with its data tags. An untagged field says so
 * in words, since governance treats it as holding nothing sensitive.
 */
import { Badge, Group, Paper, Stack, Table, Text } from '@mantine/core';
import type { CatalogResource } from './types.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

function Resource({ r }: { r: CatalogResource }) {
  const where = r.path ? `${(r.methods ?? []).join(' ') || 'any method'} ${r.path}` : r.kind ?? 'table or view';
  return (
    <Paper withBorder p="sm">
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text fw={600} className="mono">
            {r.name}
          </Text>
          <Text size="xs" c="dimmed">
            {where}
            {r.key && r.key.length > 0 ? ` · key ${r.key.join(', ')}` : ''} · tiers {r.tiers.join(', ')}
          </Text>
        </Group>
        <ScrollTable minWidth={360} label={`Fields of ${r.name}`}>
          <Table aria-label={`Fields of ${r.name}`} withRowBorders>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Field</Table.Th>
                <Table.Th>Tags</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.fields.map((f) => (
                <Table.Tr key={f.name}>
                  <Table.Td className="mono">
                    {f.name}
                    {f.freeText ? (
                      <Text span size="xs" c="dimmed" ml={6}>
                        (free text, scanned)
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {f.tags.length === 0 ? (
                      <Text size="xs" c="dimmed">
                        untagged
                      </Text>
                    ) : (
                      <Group gap={4}>
                        {f.tags.map((t) => (
                          <Badge key={t} variant="outline" size="sm" tt="none">
                            {t}
                          </Badge>
                        ))}
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      </Stack>
    </Paper>
  );
}

export function FieldCatalog({ resources }: { resources: readonly CatalogResource[] }) {
  return (
    <Stack gap="sm">
      {resources.map((r) => (
        <Resource key={r.name} r={r} />
      ))}
    </Stack>
  );
}
