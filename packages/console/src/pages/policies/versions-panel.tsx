/**
 * Every stored version, newest first (older ones a page at a time): who stored it, when, why,
 * its size and tests, and which one is in force. Choosing one opens it below.
 */
import { Badge, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { useBundles } from './queries.ts';
import { when, who } from './format.ts';
import { ScrollBox } from '../../components/scroll-box.tsx';

export function VersionsPanel({ selected, onSelect }: { selected: number | null; onSelect: (version: number) => void }) {
  const bundles = useBundles();
  if (bundles.isPending) return <Loading what="policy versions" />;
  if (bundles.isError) return <ProblemAlert error={bundles.error} title="The policy versions could not be listed" onRetry={() => void bundles.refetch()} />;
  const items = bundles.data.pages.flatMap((p) => p.items);
  const activeVersion = bundles.data.pages[0]?.active_version ?? null;
  if (items.length === 0) return <Empty title="No policy version is stored yet">Push one with `trellis policy push policies/`, or ask an admin to.</Empty>;
  return (
    <Stack gap="sm">
      <Title order={3}>Versions</Title>
      <ScrollBox label="Policy bundle versions, scrollable">
        <Table striped highlightOnHover withTableBorder aria-label="Policy bundle versions" miw={760}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>Message</Table.Th>
              <Table.Th>Stored by</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>Modules</Table.Th>
              <Table.Th>Tests passed</Table.Th>
              <Table.Th>
                <VisuallyHidden>Open</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((b) => (
              <Table.Tr key={b.version} bg={b.version === selected ? 'var(--mantine-primary-color-light)' : undefined} aria-selected={b.version === selected}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text fw={600}>{b.version}</Text>
                    {b.version === activeVersion ? (
                      <Badge color="teal" variant="filled" size="sm">
                        active
                      </Badge>
                    ) : null}
                  </Group>
                </Table.Td>
                <Table.Td>{b.message ?? <Text c="dimmed" size="sm">no message</Text>}</Table.Td>
                <Table.Td>{who(b.created_by)}</Table.Td>
                <Table.Td>{when(b.created_at)}</Table.Td>
                <Table.Td>{b.module_count}</Table.Td>
                <Table.Td>{b.test_count}</Table.Td>
                <Table.Td>
                  <Button size="compact-sm" variant={b.version === selected ? 'filled' : 'light'} onClick={() => onSelect(b.version)} aria-label={`Open version ${b.version}`}>
                    Open
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollBox>
      {bundles.hasNextPage ? (
        <Group>
          <Button variant="default" onClick={() => void bundles.fetchNextPage()} loading={bundles.isFetchingNextPage}>
            Show older versions
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
