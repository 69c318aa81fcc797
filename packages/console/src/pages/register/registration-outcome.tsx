/**
 * What happened to a registration, in words for the notification the person sees as the app's
 * page opens: the status it landed in, its classification and risk, and the policy's messages.
 */
import { List, Stack, Text } from '@mantine/core';
import type { RegisteredApp } from './types.ts';

const statusWords: Record<RegisteredApp['status'], string> = {
  draft: 'kept as a draft',
  pending_review: 'queued for review',
  approved: 'approved',
  rejected: 'rejected by the admission policy',
  suspended: 'suspended',
  retired: 'retired',
};

export function outcomeTitle(app: RegisteredApp): string {
  return `${app.name} registered: ${statusWords[app.status]}`;
}

export function outcomeColor(app: RegisteredApp): string {
  return app.status === 'approved' ? 'teal' : app.status === 'rejected' ? 'red' : 'yellow';
}

export function OutcomeMessage({ app }: { app: RegisteredApp }) {
  const c = app.classification;
  const classification = c.effective ? `${c.effective} (declared ${c.declared ?? 'none'}, detected ${c.detected ?? 'none'})` : 'none declared or detected';
  const d = app.decision;
  const messages = [...(d?.deny ?? []).map((m) => `Denied: ${m}`), ...(d?.warn ?? []).map((m) => `Warning: ${m}`)];
  // Mantine greys a titled notification's text below AA contrast; the text keeps the body colour.
  return (
    <Stack gap={4} c="bright">
      <Text size="sm">Status: {app.status.replace('_', ' ')}</Text>
      <Text size="sm">Classification: {classification}</Text>
      <Text size="sm">Risk: {app.risk ? `${app.risk.tier} (${app.risk.score}/100)` : 'not scored'}</Text>
      {messages.length > 0 ? (
        <List size="sm" aria-label="Policy messages">
          {messages.map((m, i) => (
            <List.Item key={i}>{m}</List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm">No policy messages.</Text>
      )}
      {app.status === 'pending_review' && d && d.reasons.length > 0 ? <Text size="sm">A reviewer decides because: {d.reasons.join('; ')}</Text> : null}
    </Stack>
  );
}
