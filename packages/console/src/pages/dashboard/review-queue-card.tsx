/** How long the review queue has kept people waiting: open reviews by age, and the oldest. */
import { Anchor, Box, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { Link } from 'react-router';
import type { Insights } from './types.ts';
import { ChartCard } from './chart-card.tsx';
import { age, label, n } from './labels.ts';

export function ReviewQueueCard({ reviews }: { reviews: Insights['reviews'] }) {
  const description =
    reviews.open === 0
      ? 'Nothing is waiting for a reviewer.'
      : `${n(reviews.open)} open review${reviews.open === 1 ? '' : 's'}; the oldest has waited ${age(reviews.oldest_age_hours ?? 0)}.`;
  return (
    <ChartCard
      title="Review queue"
      description={description}
      action={
        <Anchor component={Link} to="/reviews" size="sm">
          Open the queue
        </Anchor>
      }
    >
      {reviews.open > 0 ? (
        <Box aria-hidden>
          <BarChart h={140} data={reviews.by_age.map((b) => ({ age: label(b.key), Reviews: b.count }))} dataKey="age" series={[{ name: 'Reviews', color: 'yellow.7', label: 'Open reviews' }]} tickLine="none" gridAxis="y" withTooltip={false} barChartProps={{ accessibilityLayer: false }} />
        </Box>
      ) : null}
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" component="dl" aria-label="Open reviews by time waiting" style={{ margin: 0 }}>
        {reviews.by_age.map((b) => (
          <Stack key={b.key} gap={0}>
            <Text component="dt" size="xs" c="dimmed">
              {label(b.key)}
            </Text>
            <Group component="dd" gap={4} style={{ margin: 0 }}>
              <Text fw={700}>{n(b.count)}</Text>
            </Group>
          </Stack>
        ))}
      </SimpleGrid>
    </ChartCard>
  );
}
