/** The Overview tab: who owns the app and where it stands, its risk and why, the policy's last word, and its history. */
import { Anchor, Divider, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { DecisionSection } from './decision-section.tsx';
import { Fact, Facts } from './facts.tsx';
import { ClassificationBadge, StatusBadge, TierBadge } from '../../components/badges.tsx';
import { when, who } from './format.ts';
import { RiskSection } from './risk-section.tsx';
import { TransitionsSection } from './transitions-section.tsx';
import type { AppDetail } from './types.ts';

export function OverviewTab({ app }: { app: AppDetail }) {
  return (
    <Stack gap="lg">
      {app.description ? <Text size="sm">{app.description}</Text> : null}
      <Facts>
        <Fact label="Owner">{app.owner}</Fact>
        <Fact label="Team">{app.team ?? 'none given'}</Fact>
        <Fact label="Status">
          <StatusBadge status={app.status} />
        </Fact>
        <Fact label="Risk tier">
          <TierBadge tier={app.risk?.tier ?? app.risk_tier} />
        </Fact>
        <Fact label="Classification">
          <ClassificationBadge value={app.classification.effective} />
        </Fact>
        <Fact label="Version">
          {app.version}
          {app.approved_version === null ? ' (none approved yet)' : app.approved_version === app.version ? ' (in force)' : ` (version ${app.approved_version} in force)`}
        </Fact>
        <Fact label="Connectors">
          {app.connectors.length === 0
            ? 'none'
            : app.connectors.map((c, i) => (
                <span key={c}>
                  {i > 0 ? ', ' : ''}
                  <Anchor component={Link} to={`/apps?connector=${encodeURIComponent(c)}`} size="sm" title={`Apps using ${c}`}>
                    {c}
                  </Anchor>
                </span>
              ))}
        </Fact>
        <Fact label="Runtime">{app.runtime}</Fact>
        <Fact label="Registered">
          {when(app.created_at)} by {who(app.created_by)}
        </Fact>
        <Fact label="Last changed">
          {when(app.updated_at)} by {who(app.updated_by)}
        </Fact>
      </Facts>
      <Divider />
      <RiskSection risk={app.risk} />
      <Divider />
      <DecisionSection decision={app.decision} />
      <Divider />
      <TransitionsSection name={app.name} />
    </Stack>
  );
}
