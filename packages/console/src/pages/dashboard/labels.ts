/**
 * Words and colours for the values the summary counts. Every colour comes with its word in the
 * legend or table beside it, so no figure is told by colour alone.
 */
import type { MantineColor } from '@mantine/core';

const words: Record<string, string> = {
  draft: 'Draft',
  pending_review: 'Pending review',
  approved: 'Approved',
  rejected: 'Rejected',
  suspended: 'Suspended',
  retired: 'Retired',
  public: 'Public',
  internal: 'Internal',
  confidential: 'Confidential',
  restricted: 'Restricted',
  unclassified: 'Unclassified',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
  unscored: 'Not scored yet',
  under_1d: 'Under 1 day',
  '1d_to_3d': '1–3 days',
  '3d_to_7d': '3–7 days',
  over_7d: 'Over 7 days',
};

const colours: Record<string, MantineColor> = {
  draft: 'gray.6',
  pending_review: 'yellow.7',
  approved: 'teal.7',
  rejected: 'red.8',
  suspended: 'orange.7',
  retired: 'dark.3',
  public: 'blue.3',
  internal: 'blue.5',
  confidential: 'indigo.7',
  restricted: 'grape.8',
  unclassified: 'gray.5',
  low: 'teal.6',
  medium: 'yellow.6',
  high: 'orange.7',
  critical: 'red.8',
  unscored: 'gray.5',
  under_1d: 'teal.6',
  '1d_to_3d': 'yellow.6',
  '3d_to_7d': 'orange.7',
  over_7d: 'red.8',
};

/** A stored value in words; an unknown one as it is, underscores spaced. */
export const label = (key: string): string => words[key] ?? key.replace(/_/g, ' ');
export const colour = (key: string): MantineColor => colours[key] ?? 'gray.6';

const numbers = new Intl.NumberFormat();
export const n = (v: number): string => numbers.format(v);

const shortDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
/** A UTC calendar day (YYYY-MM-DD) as "Dec 2". */
export const day = (iso: string): string => shortDay.format(new Date(`${iso}T00:00:00Z`));

/** A duration in hours as words a person reads at a glance: "5 h", "3 d 4 h". */
export function age(hours: number): string {
  if (hours < 24) return `${hours} h`;
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h ? `${d} d ${h} h` : `${d} d`;
}
