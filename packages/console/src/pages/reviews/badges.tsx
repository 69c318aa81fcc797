/**
 * The review queue's badges: a risk tier and a review status, each with its words in the badge
 * so colour is never the only signal.
 */
import { Badge } from '@mantine/core';
import type { ReviewStatus, RiskTier } from './types.ts';

// Dark shades with white text, and a light yellow with black text: each keeps WCAG AA contrast.
const riskColor: Record<RiskTier, string> = { low: 'gray.7', medium: 'yellow.4', high: 'orange.9', critical: 'red.9' };
const statusColor: Record<ReviewStatus, string> = { open: 'blue.8', approved: 'teal.9', rejected: 'red.9', changes_requested: 'yellow.4', superseded: 'gray.7', withdrawn: 'gray.7' };

export function RiskBadge({ tier, score }: { tier: RiskTier; score?: number }) {
  return (
    <Badge color={riskColor[tier]} variant="filled" autoContrast>
      {tier}
      {score !== undefined ? ` · ${score}` : ''}
    </Badge>
  );
}

export const statusLabel = (s: ReviewStatus) => s.replace('_', ' ');

export function StatusBadge({ status }: { status: ReviewStatus }) {
  return (
    <Badge color={statusColor[status]} variant="filled" autoContrast>
      {statusLabel(status)}
    </Badge>
  );
}

/** How long ago, in the largest whole unit: "3 h", "2 d". */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

export const actorName = (a: { id: string; name: string | null; subject: string | null }) => a.subject ?? a.name ?? a.id;
