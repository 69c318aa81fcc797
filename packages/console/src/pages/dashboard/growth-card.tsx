/** How the catalog grew: registrations per week over half a year, and the running total. */
import { Box, Text } from '@mantine/core';
import { AreaChart } from '@mantine/charts';
import type { Insights } from './types.ts';
import { ChartCard } from './chart-card.tsx';
import { HiddenDataTable } from './data-table.tsx';
import { day, n } from './labels.ts';

export function GrowthCard({ growth }: { growth: Insights['growth'] }) {
  const added = growth.reduce((a, w) => a + w.registrations, 0);
  const data = growth.map((w) => ({ week: day(w.week), Apps: w.total, Registered: w.registrations }));
  return (
    <ChartCard title="Growth" description={`${n(added)} app${added === 1 ? '' : 's'} registered in the last ${growth.length} weeks; ${n(growth.at(-1)?.total ?? 0)} in all.`}>
      <Box aria-hidden>
        <AreaChart
          h={200}
          data={data}
          dataKey="week"
          series={[
            { name: 'Apps', color: 'teal.7', label: 'Apps in the catalog' },
            { name: 'Registered', color: 'indigo.6', label: 'Registered that week' },
          ]}
          curveType="monotone"
          withLegend
          tickLine="x"
          gridAxis="y"
          areaChartProps={{ accessibilityLayer: false }}
        />
      </Box>
      <Text size="xs" c="dimmed">
        Weeks start on Monday (UTC).
      </Text>
      <HiddenDataTable caption="Apps registered per week" columns={['Week of', 'Registered that week', 'Apps in the catalog']} rows={growth.map((w) => [day(w.week), w.registrations, w.total])} />
    </ChartCard>
  );
}
