/**
 * The risk score and the factors that make it up, largest share first, so a reviewer sees why
 * an app is high risk before reading anything else; an admin's override is shown beside the
 * computed tier, with who set it and why.
 */
import { Alert, Group, Stack, Table, Text, Title } from '@mantine/core';
import { TierBadge } from '../../components/badges.tsx';
import { when, who } from './format.ts';
import type { RiskResult } from './types.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

export function RiskSection({ risk }: { risk: RiskResult | null }) {
  if (!risk) {
    return (
      <Stack gap="xs">
        <Title order={3}>Risk</Title>
        <Text size="sm" c="dimmed">
          Not assessed yet: governance scores an app when it is registered through the API or submitted for review.
        </Text>
      </Stack>
    );
  }
  const factors = [...risk.factors].sort((a, b) => b.points - a.points);
  return (
    <Stack gap="xs">
      <Title order={3}>Risk</Title>
      <Group gap="sm">
        <Text fw={700} size="xl">
          {risk.score}
          <Text span size="sm" c="dimmed" fw={400}>
            {' '}
            / 100
          </Text>
        </Text>
        <TierBadge tier={risk.tier} />
        {risk.override ? <Text size="sm">computed tier: {risk.computed_tier}</Text> : null}
      </Group>
      {risk.override ? (
        <Alert color="blue" title={`Tier set to ${risk.override.tier} by ${who(risk.override.by)}`}>
          <Text size="sm">
            {risk.override.reason} ({when(risk.override.at)})
          </Text>
        </Alert>
      ) : null}
      {factors.length === 0 ? (
        <Text size="sm" c="dimmed">
          No factor raised the score.
        </Text>
      ) : (
        <ScrollTable minWidth={360} label="Risk factors">
          <Table aria-label="Risk factors" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Factor</Table.Th>
                <Table.Th ta="right">Points</Table.Th>
                <Table.Th>Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {factors.map((f) => (
                <Table.Tr key={f.name}>
                  <Table.Td>{f.name.replaceAll('_', ' ')}</Table.Td>
                  <Table.Td ta="right">{Math.round(f.points * 10) / 10}</Table.Td>
                  <Table.Td>{f.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}
