/**
 * Text badges for an app's status, data classification and risk tier: dark text beside a coloured
 * dot, so the text keeps its contrast in both schemes. Each badge says its value
 * in words, so colour only repeats what the text says (and the catalog and app page agree on
 * how a status looks).
 */
import { Badge } from '@mantine/core';
import type { AppStatus, Classification, RiskTier } from './types.ts';

const statusColor: Record<AppStatus, string> = {
  draft: 'gray',
  pending_review: 'blue',
  approved: 'teal',
  rejected: 'red',
  suspended: 'orange',
  retired: 'dark',
};

const classificationColor: Record<Classification, string> = {
  public: 'gray',
  internal: 'blue',
  confidential: 'grape',
  restricted: 'red',
};

const tierColor: Record<RiskTier, string> = {
  low: 'teal',
  medium: 'blue',
  high: 'orange',
  critical: 'red',
};

/** "pending_review" reads as "pending review". */
export function words(value: string): string {
  return value.replaceAll('_', ' ');
}

export function StatusBadge({ status }: { status: AppStatus }) {
  return (
    <Badge color={statusColor[status]} variant="dot" tt="none">
      {words(status)}
    </Badge>
  );
}

export function ClassificationBadge({ value }: { value: Classification | null }) {
  if (!value) {
    return (
      <Badge color="gray" variant="dot" tt="none">
        not set
      </Badge>
    );
  }
  return (
    <Badge color={classificationColor[value]} variant="dot" tt="none">
      {value}
    </Badge>
  );
}

export function TierBadge({ tier, suffix = '' }: { tier: RiskTier | null; suffix?: string }) {
  if (!tier) {
    return (
      <Badge color="gray" variant="dot" tt="none">
        not assessed
      </Badge>
    );
  }
  return (
    <Badge color={tierColor[tier]} variant="dot" tt="none">
      {tier} risk{suffix}
    </Badge>
  );
}
