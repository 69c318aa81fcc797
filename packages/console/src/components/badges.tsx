/**
 * Every page's text badges for an app's status, data classification and risk tier, and a review's
 * status: dark text beside a coloured dot, so the text keeps its contrast in both schemes. Each
 * badge says its value in words, so colour only repeats what the text says, and every page shows
 * a status the same way.
 */
import { Badge } from '@mantine/core';
import type { AppStatus, Classification, RiskTier } from '../pages/app/types.ts';
import type { ReviewStatus } from '../pages/reviews/types.ts';

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

const reviewStatusColor: Record<ReviewStatus, string> = {
  open: 'blue',
  approved: 'teal',
  rejected: 'red',
  changes_requested: 'orange',
  superseded: 'gray',
  withdrawn: 'gray',
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

export function ReviewStatusBadge({ status }: { status: ReviewStatus }) {
  return (
    <Badge color={reviewStatusColor[status]} variant="dot" tt="none">
      {words(status)}
    </Badge>
  );
}

/** With a score the column names the risk, so the badge reads "medium · 42". */
export function TierBadge({ tier, score }: { tier: RiskTier | null; score?: number }) {
  if (!tier) {
    return (
      <Badge color="gray" variant="dot" tt="none">
        not assessed
      </Badge>
    );
  }
  return (
    <Badge color={tierColor[tier]} variant="dot" tt="none">
      {score === undefined ? `${tier} risk` : `${tier} · ${score}`}
    </Badge>
  );
}
