/**
 * An app's page (/apps/:name): its header (name, status, classification, risk) and a tab per
 * question a reviewer or owner asks — where it stands, what its manifest says and how it
 * changed, why it is classified so, its reviews, who can call as it, what it did. Tabs the role
 * cannot read are absent. The open tab is in the address, so a link lands on it.
 */
import type { ReactNode } from 'react';
import { Anchor, Group, Stack, Tabs, Text } from '@mantine/core';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/problem.ts';
import { useSession } from '../../auth/session.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { AccessTab } from './access-tab.tsx';
import { ActivityTab } from './activity-tab.tsx';
import { ClassificationBadge, StatusBadge, TierBadge } from '../../components/badges.tsx';
import { ClassificationTab } from './classification-tab.tsx';
import { DataFlowMap } from './data-flow-map.tsx';
import { ManifestTab } from './manifest-tab.tsx';
import { OverviewTab } from './overview-tab.tsx';
import { useApp } from './queries.ts';
import { ReviewsTab } from './reviews-tab.tsx';
import type { AppDetail } from './types.ts';

interface TabDef {
  value: string;
  label: string;
  permission?: string;
  render: (app: AppDetail) => ReactNode;
}

const tabs: TabDef[] = [
  { value: 'overview', label: 'Overview', render: (app) => <OverviewTab app={app} /> },
  { value: 'manifest', label: 'Manifest', render: (app) => <ManifestTab app={app} /> },
  { value: 'classification', label: 'Classification', render: (app) => <ClassificationTab app={app} /> },
  { value: 'reviews', label: 'Reviews', permission: 'reviews:read', render: (app) => <ReviewsTab name={app.name} /> },
  { value: 'access', label: 'Access', permission: 'oauth:read', render: (app) => <AccessTab name={app.name} /> },
  { value: 'activity', label: 'Activity', permission: 'audit:read', render: (app) => <ActivityTab name={app.name} /> },
  { value: 'data-flow', label: 'Data flow', render: (app) => <DataFlowMap app={app} /> },
];

const backToCatalog = (
  <Anchor component={Link} to="/apps">
    Back to the catalog
  </Anchor>
);

export default function AppPage() {
  const name = useParams().name ?? '';
  const [params, setParams] = useSearchParams();
  const { may } = useSession();
  const app = useApp(name);

  if (app.isPending) return <Loading what={`app ${name}`} />;
  if (app.isError) {
    if (app.error instanceof ApiError && app.error.status === 404) {
      return (
        <Empty title={`No app named “${name}”`} action={backToCatalog}>
          It may have been renamed, or the link is mistyped. Search the catalog for it.
        </Empty>
      );
    }
    return (
      <Stack>
        <ProblemAlert error={app.error} title={`App ${name} could not be loaded`} onRetry={() => void app.refetch()} />
        {backToCatalog}
      </Stack>
    );
  }
  const a = app.data;
  const visible = tabs.filter((t) => !t.permission || may(t.permission));
  const asked = params.get('tab');
  const current = visible.some((t) => t.value === asked) ? asked! : 'overview';
  return (
    <>
      <PageHeader
        title={a.title ?? a.name}
        description={
          <>
            {a.title ? (
              <Text span ff="monospace" size="sm">
                {a.name}
              </Text>
            ) : null}
            {a.title ? ' · ' : ''}owned by {a.owner}
            {a.team ? `, team ${a.team}` : ''}
          </>
        }
        actions={
          <Group gap="xs">
            <StatusBadge status={a.status} />
            <ClassificationBadge value={a.classification.effective} />
            <TierBadge tier={a.risk?.tier ?? a.risk_tier} />
          </Group>
        }
      />
      <Tabs
        value={current}
        keepMounted={false}
        onChange={(v) =>
          setParams(
            (prev) => {
              const next = new URLSearchParams(prev);
              if (v && v !== 'overview') next.set('tab', v);
              else next.delete('tab');
              return next;
            },
            { replace: true },
          )
        }
      >
        <Tabs.List mb="md" style={{ overflowX: 'auto', flexWrap: 'nowrap' }}>
          {visible.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {visible.map((t) => (
          <Tabs.Panel key={t.value} value={t.value}>
            {t.render(a)}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
