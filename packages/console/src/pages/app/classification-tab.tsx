/**
 * The Classification tab: the tier the owner declared beside the tier Trellis detected, the one
 * in force (the higher), and each field or sample finding that raised the detected tier — so an
 * owner who declared "internal" sees exactly which field made it "restricted".
 */
import { Badge, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { ClassificationBadge } from '../../components/badges.tsx';
import { Fact, Facts } from './facts.tsx';
import type { AppDetail, ClassificationResult } from './types.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

const rank = { public: 0, internal: 1, confidential: 2, restricted: 3 } as const;

function verdict(c: ClassificationResult): string {
  if (!c.declared && !c.detected) return 'Neither declared nor detected: nothing in the manifest or its connectors’ field catalogs marks this data.';
  if (!c.detected) return 'Nothing was detected, so the declared classification is in force.';
  if (!c.declared) return 'The owner declared no classification; the detected one is in force.';
  if (rank[c.detected] > rank[c.declared]) return `Detected ${c.detected} is higher than the declared ${c.declared}, so ${c.detected} is in force. Update spec.classification in the manifest to match, or remove the fields below.`;
  return 'The declared classification is at least as high as the detected one, so it is in force.';
}

export function ClassificationTab({ app }: { app: AppDetail }) {
  const c = app.classification;
  return (
    <Stack gap="lg">
      <Facts>
        <Fact label="Declared (spec.classification)">
          <ClassificationBadge value={c.declared} />
        </Fact>
        <Fact label="Detected">
          <ClassificationBadge value={c.detected} />
        </Fact>
        <Fact label="In force">
          <ClassificationBadge value={c.effective} />
        </Fact>
      </Facts>
      <Text size="sm">{verdict(c)}</Text>
      <Stack gap="xs">
        <Title order={3}>What raised the detected tier</Title>
        {c.because.length === 0 ? (
          <Text size="sm" c="dimmed">
            No field was found that raises the tier. Fields are tagged in each connector’s field catalog; sample records attached at registration are scanned too.
          </Text>
        ) : (
          <ScrollTable minWidth={560} label="Fields behind the detected classification">
            <Table aria-label="Fields behind the detected classification" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Field (connector.resource.field)</Table.Th>
                  <Table.Th>Found by</Table.Th>
                  <Table.Th>Tags</Table.Th>
                  <Table.Th>Tier</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...c.because]
                  .sort((x, y) => rank[y.tier] - rank[x.tier] || x.field.localeCompare(y.field))
                  .map((r) => (
                    <Table.Tr key={`${r.source}:${r.field}`}>
                      <Table.Td>
                        <Code>{r.field}</Code>
                      </Table.Td>
                      <Table.Td>{r.source === 'catalog' ? 'field catalog' : 'sample record scan'}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {r.tags.map((t) => (
                            <Badge key={t} size="sm" variant="default" tt="none">
                              {t}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <ClassificationBadge value={r.tier} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
      </Stack>
    </Stack>
  );
}
