/**
 * The dashboard (`/`): the catalog by status, data tier and risk, its growth, the review queue's
 * age, what policy, the gateway and exports refused lately (GET /api/v1/insights), and the audit
 * chain's integrity. Cards a role may not read are absent; a fresh install says to register an app.
 */
import '@mantine/charts/styles.css';
import { Button, SimpleGrid, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { IconPlus } from '@tabler/icons-react';
import { api } from '../../api/client.ts';
import { Can, useSession } from '../../auth/session.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { ChainStatus } from '../audit/chain-status.tsx';
import type { Insights } from './types.ts';
import { AppsByRiskCard, AppsByStatusCard, AppsByTierCard } from './apps-cards.tsx';
import { GrowthCard } from './growth-card.tsx';
import { ReviewQueueCard } from './review-queue-card.tsx';
import { ActivityCard } from './activity-card.tsx';
import { ChartCard } from './chart-card.tsx';

function RegisterFirst() {
  return (
    <Empty
      title="No apps registered yet"
      action={
        <Can permission="apps:write">
          <Button component={Link} to="/register" leftSection={<IconPlus size={16} aria-hidden />}>
            Register an app
          </Button>
        </Can>
      }
    >
      Register your first app to see it here: its status, data tier and risk, and the reviews it needs. Builders and admins register apps; ask one if you cannot.
    </Empty>
  );
}

export default function DashboardPage() {
  const { may } = useSession();
  const insights = useQuery({ queryKey: ['insights'], queryFn: ({ signal }) => api<Insights>('/api/v1/insights', { signal }) });
  const chain = may('audit:read') ? (
    <ChartCard title="Audit chain" description="The tamper-evident trail of everything Trellis did.">
      <ChainStatus />
    </ChartCard>
  ) : null;

  let body;
  if (insights.isPending) body = <Loading what="the dashboard" />;
  else if (insights.isError) body = <ProblemAlert error={insights.error} title="The dashboard could not be loaded" onRetry={() => void insights.refetch()} />;
  else {
    const s = insights.data;
    body = (
      <Stack gap="md">
        {s.apps.total === 0 ? <RegisterFirst /> : null}
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <AppsByStatusCard apps={s.apps} />
          <AppsByTierCard apps={s.apps} />
          <AppsByRiskCard apps={s.apps} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <GrowthCard growth={s.growth} />
          {may('reviews:read') ? <ReviewQueueCard reviews={s.reviews} /> : null}
        </SimpleGrid>
        <ActivityCard activity={s.activity} />
      </Stack>
    );
  }
  return (
    <>
      <PageHeader title="Dashboard" description="The catalog, the review queue and what Trellis refused, at a glance." />
      <Stack gap="md">
        {body}
        {chain}
      </Stack>
    </>
  );
}
