/** The app's lifecycle so far (GET …/transitions): each status change with who made it, when and why. */
import { Stack, Text, Timeline, Title } from '@mantine/core';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { words } from '../../components/badges.tsx';
import { when, who } from './format.ts';
import { useTransitions } from './queries.ts';

export function TransitionsSection({ name }: { name: string }) {
  const q = useTransitions(name);
  return (
    <Stack gap="xs">
      <Title order={3}>Lifecycle history</Title>
      {q.isPending ? (
        <Loading what="status history" />
      ) : q.isError ? (
        <ProblemAlert error={q.error} title="The status history could not be loaded" onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No status change yet: the app has been a draft since it was registered.
        </Text>
      ) : (
        <Timeline active={q.data.items.length - 1} bulletSize={14} lineWidth={2} aria-label="Status changes, oldest first">
          {q.data.items.map((t, i) => (
            <Timeline.Item key={i} title={`${words(t.from)} → ${words(t.to)}`}>
              <Text size="xs" c="dimmed">
                {when(t.at)} by {who(t.by)}
              </Text>
              {t.reason ? <Text size="sm">{t.reason}</Text> : null}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Stack>
  );
}
