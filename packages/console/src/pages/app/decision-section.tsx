/**
 * What the admission policy said about the current version: allowed or denied, what happened
 * to the version, and every message the policy gave — denials first, since they are what the
 * owner must fix.
 */
import { Badge, Group, List, Stack, Text, Title } from '@mantine/core';
import { when } from './format.ts';
import { words } from '../../components/badges.tsx';
import type { Decision } from './types.ts';

function Messages({ title, items, color }: { title: string; items: string[]; color: string }) {
  if (items.length === 0) return null;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {title}
      </Text>
      <List size="sm" spacing={2} c={color}>
        {items.map((m, i) => (
          <List.Item key={i}>{m}</List.Item>
        ))}
      </List>
    </Stack>
  );
}

export function DecisionSection({ decision }: { decision: Decision | null }) {
  return (
    <Stack gap="xs">
      <Title order={3}>Policy decision</Title>
      {!decision ? (
        <Text size="sm" c="dimmed">
          No policy decision on this version yet: it is a draft that has not been submitted.
        </Text>
      ) : (
        <>
          <Group gap="xs">
            <Badge color={decision.result === 'allow' ? 'teal' : 'red'} variant="dot" tt="none">
              policy {decision.result === 'allow' ? 'allowed' : 'denied'}
            </Badge>
            <Badge color="gray" variant="dot" tt="none">
              outcome: {words(decision.outcome)}
            </Badge>
            <Text size="xs" c="dimmed">
              {when(decision.at)}
              {decision.bundle.version !== null ? ` · policy bundle ${decision.bundle.version}` : ''}
            </Text>
          </Group>
          <Messages title="Denied because" items={decision.deny} color="red.8" />
          <Messages title="Warnings" items={decision.warn} color="orange.9" />
          <Messages title="Why this outcome" items={decision.reasons} color="dimmed" />
          {decision.deny.length + decision.warn.length + decision.reasons.length === 0 ? (
            <Text size="sm" c="dimmed">
              The policy gave no messages.
            </Text>
          ) : null}
        </>
      )}
    </Stack>
  );
}
