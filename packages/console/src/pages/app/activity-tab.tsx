/**
 * The Activity tab: what the app did through the gateway (calls and exports), and what was done
 * to it — registrations, updates, status changes, exports held for review and their release.
 */
import { Button, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useSession } from '../../auth/session.tsx';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { EventTable, useAuditEvents } from './audit-events.tsx';
import { GatewayCalls } from './gateway-calls.tsx';

function AppEvents({ name }: { name: string }) {
  const q = useAuditEvents(['app', name], { resource_type: 'app', resource_id: name });
  const events = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="xs">
      <Title order={3}>Changes, reviews and held exports</Title>
      {q.isPending ? (
        <Loading what="the app’s history" />
      ) : q.isError ? (
        <ProblemAlert error={q.error} title="The app’s history could not be loaded" onRetry={() => void q.refetch()} />
      ) : events.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing recorded about this app yet.
        </Text>
      ) : (
        <>
          <EventTable events={events} label={`Audit events about ${name}, newest first`} showActor />
          {q.hasNextPage ? (
            <Group>
              <Button variant="default" size="xs" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
                Load older events
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Stack>
  );
}

export function ActivityTab({ name }: { name: string }) {
  const { may } = useSession();
  return (
    <Stack gap="lg">
      <GatewayCalls name={name} mayReadClient={may('oauth:read')} />
      <Divider />
      <AppEvents name={name} />
    </Stack>
  );
}
