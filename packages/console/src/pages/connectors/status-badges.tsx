/**
 * Badges for states on this page, each carrying its state in words (colour only repeats it),
 * never cut short by a narrow table column (connectors.css).
 */
import { Badge } from '@mantine/core';
import './connectors.css';
import type { ConnectorStatus, LeaseState, SecretVersion } from './types.ts';

const connectorColor: Record<ConnectorStatus, string> = { active: 'teal', retired: 'gray' };
const leaseColor: Record<LeaseState, string> = { active: 'teal', expired: 'gray', revoked: 'red' };
const versionColor: Record<SecretVersion['state'], string> = { active: 'teal', previous: 'blue', destroyed: 'gray' };

export const ConnectorStatusBadge = ({ status }: { status: ConnectorStatus }) => (
  <Badge color={connectorColor[status]} variant="light" className="state-badge">
    {status}
  </Badge>
);

export const LeaseStateBadge = ({ state }: { state: LeaseState }) => (
  <Badge color={leaseColor[state]} variant="light" className="state-badge">
    {state}
  </Badge>
);

export const VersionStateBadge = ({ state }: { state: SecretVersion['state'] }) => (
  <Badge color={versionColor[state]} variant="light" className="state-badge">
    {state}
  </Badge>
);
