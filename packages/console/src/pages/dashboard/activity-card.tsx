/**
 * What Trellis refused in the last 30 days, per day, from the audit trail: policy denials,
 * gateway refusals, exports blocked and exports held for review — beside the decisions allowed,
 * so a spike reads against the day's traffic.
 */
import { Box, Group, Text } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import type { Insights } from './types.ts';
import { ChartCard } from './chart-card.tsx';
import { HiddenDataTable } from './data-table.tsx';
import { day, n } from './labels.ts';

const series = [
  { name: 'denied', color: 'red.8', label: 'Denied by policy' },
  { name: 'gateway', color: 'orange.7', label: 'Refused by the gateway' },
  { name: 'blocked', color: 'grape.8', label: 'Exports blocked' },
  { name: 'held', color: 'yellow.6', label: 'Exports held for review' },
] as const;

export function ActivityCard({ activity }: { activity: Insights['activity'] }) {
  const sum = (f: (d: Insights['activity'][number]) => number) => activity.reduce((a, d) => a + f(d), 0);
  const allowed = sum((d) => d.decisions_allowed);
  const denied = sum((d) => d.decisions_denied);
  const gateway = sum((d) => d.gateway_refused);
  const blocked = sum((d) => d.exports_blocked);
  const held = sum((d) => d.exports_quarantined);
  const data = activity.map((d) => ({ day: day(d.day), denied: d.decisions_denied, gateway: d.gateway_refused, blocked: d.exports_blocked, held: d.exports_quarantined }));
  return (
    <ChartCard title="Decisions and refusals" description={`Last ${activity.length} days, from the audit trail.`}>
      <Group gap="lg" wrap="wrap" component="p" style={{ margin: 0 }}>
        <Text span size="sm">
          <b>{n(allowed + denied)}</b> policy decisions ({n(denied)} denied)
        </Text>
        <Text span size="sm">
          <b>{n(gateway)}</b> gateway refusals
        </Text>
        <Text span size="sm">
          <b>{n(blocked)}</b> exports blocked, <b>{n(held)}</b> held for review
        </Text>
      </Group>
      {denied + gateway + blocked + held === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing was refused in this period.
        </Text>
      ) : (
        <Box aria-hidden>
          <BarChart h={220} data={data} dataKey="day" type="stacked" series={[...series]} withLegend tickLine="x" gridAxis="y" barChartProps={{ accessibilityLayer: false }} />
        </Box>
      )}
      <HiddenDataTable
        caption="Decisions and refusals per day"
        columns={['Day', 'Decisions allowed', 'Denied by policy', 'Refused by the gateway', 'Exports blocked', 'Exports held for review']}
        rows={activity.map((d) => [day(d.day), d.decisions_allowed, d.decisions_denied, d.gateway_refused, d.exports_blocked, d.exports_quarantined])}
      />
    </ChartCard>
  );
}
