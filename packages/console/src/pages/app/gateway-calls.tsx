/**
 * The app's calls through the gateway, from the audit trail. The gateway records calls under
 * the app's service identity (its OAuth client id), so this reads the client id first (which
 * needs oauth:read): the app's service identity acts only through the gateway, so its events are
 * exactly the app's calls. The server filters by class for API and Datastore activity, and
 * "Exports" asks it for gateway.export events only, where a refused export is a blocked one.
 */
import { useState } from 'react';
import { Button, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { auditClasses, EventTable, useAuditEvents } from './audit-events.tsx';
import { isNoIdentity, useCredentials } from './credentials.ts';

type Kind = 'all' | 'api' | 'datastore' | 'exports';

const kinds: { value: Kind; label: string }[] = [
  { value: 'all', label: 'All calls' },
  { value: 'api', label: 'API activity' },
  { value: 'datastore', label: 'Datastore activity' },
  { value: 'exports', label: 'Exports' },
];

function CallsOf({ clientId }: { clientId: string }) {
  const [kind, setKind] = useState<Kind>('all');
  const q = useAuditEvents(['gateway', clientId, kind], {
    actor: clientId,
    action: kind === 'exports' ? 'gateway.export' : undefined,
    class_uid: kind === 'api' || kind === 'datastore' ? auditClasses[kind] : undefined,
  });
  const shown = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="xs">
      <SegmentedControl aria-label="Kind of gateway call" data={kinds} value={kind} onChange={(v) => setKind(v as Kind)} style={{ alignSelf: 'flex-start' }} />
      {q.isPending ? (
        <Loading what="gateway calls" />
      ) : q.isError ? (
        <ProblemAlert error={q.error} title="The gateway calls could not be loaded" onRetry={() => void q.refetch()} />
      ) : shown.length === 0 ? (
        <Text size="sm" c="dimmed">
          {kind === 'exports' ? 'No export through the gateway yet.' : kind === 'all' ? 'No gateway call recorded for this app yet.' : `No ${kind === 'api' ? 'API' : 'Datastore'} activity recorded for this app yet.`}
        </Text>
      ) : (
        <>
          <EventTable events={shown} label="Gateway calls, newest first" />
          {q.hasNextPage ? (
            <Group>
              <Button variant="default" size="xs" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
                Load older calls
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Stack>
  );
}

export function GatewayCalls({ name, mayReadClient }: { name: string; mayReadClient: boolean }) {
  const creds = useCredentials(name, mayReadClient);
  let body;
  if (!mayReadClient) body = <Text size="sm" c="dimmed">Gateway calls are found by the app’s service identity, which your role cannot read (it needs oauth:read). The audit page lists every call.</Text>;
  else if (creds.isPending) body = <Loading what="the app’s service identity" />;
  else if (creds.isError) body = isNoIdentity(creds.error) ? <Text size="sm" c="dimmed">No gateway calls: the app has no service identity until it is first approved.</Text> : <ProblemAlert error={creds.error} title="The app’s service identity could not be read" onRetry={() => void creds.refetch()} />;
  else body = <CallsOf clientId={creds.data.client_id} />;
  return (
    <Stack gap="xs">
      <Title order={3}>Gateway calls</Title>
      {body}
    </Stack>
  );
}
