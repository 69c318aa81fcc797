/** The catalog at a glance: apps by lifecycle status, by data tier and by risk tier in force. */
import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import type { Insights } from './types.ts';
import { ChartCard } from './chart-card.tsx';
import { DonutBreakdown } from './donut-breakdown.tsx';

export function AppsByStatusCard({ apps }: { apps: Insights['apps'] }) {
  return (
    <ChartCard
      title="Apps by status"
      description="Where each app is in its lifecycle."
      action={
        <Anchor component={Link} to="/apps" size="sm">
          Open the catalog
        </Anchor>
      }
    >
      <DonutBreakdown buckets={apps.by_status} listLabel="Apps by status" />
    </ChartCard>
  );
}

export function AppsByTierCard({ apps }: { apps: Insights['apps'] }) {
  return (
    <ChartCard title="Apps by data tier" description="The most sensitive data each app touches (declared or detected).">
      <DonutBreakdown buckets={apps.by_tier} listLabel="Apps by data tier" />
    </ChartCard>
  );
}

export function AppsByRiskCard({ apps }: { apps: Insights['apps'] }) {
  return (
    <ChartCard title="Apps by risk" description="The risk tier in force, an admin's override included.">
      <DonutBreakdown buckets={apps.by_risk} listLabel="Apps by risk tier" />
    </ChartCard>
  );
}
