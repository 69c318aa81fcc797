/**
 * What the last move did, read back from the server rather than assumed: the app's status now,
 * its OAuth client's state, and the state of each lease that was active before the suspension.
 */
import { Alert, List, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconCircleCheck } from '@tabler/icons-react';
import { api } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import type { Impact } from './impact.ts';
import type { LeaseList, TransitionResult } from './types.ts';

export interface Moved {
  result: TransitionResult;
  /** The leases that were active just before the suspension; empty for a reinstatement. */
  leaseIds: string[];
}

function LeasesAfter({ app, ids }: { app: string; ids: string[] }) {
  const leases = useQuery({
    queryKey: ['kill-switch', app, 'leases-after', ids],
    queryFn: () => api<LeaseList>('/api/v1/leases', { query: { app, limit: 200 } }),
  });
  if (leases.isPending) return <List.Item>Reading the leases…</List.Item>;
  if (leases.isError) return <List.Item>The leases could not be read again ({leases.error.message}); look on the Connectors & secrets page.</List.Item>;
  const byId = new Map(leases.data.items.map((l) => [l.id, l]));
  return (
    <>
      {ids.map((id) => {
        const l = byId.get(id);
        return (
          <List.Item key={id}>
            Lease <span className="mono">{id}</span>: {l ? `${l.state}${l.revoked_reason ? ` (${l.revoked_reason})` : ''}` : 'no longer listed'}
          </List.Item>
        );
      })}
    </>
  );
}

export function Outcome({ moved, impact }: { moved: Moved; impact: Impact }) {
  const { may } = useSession();
  const { result } = moved;
  const app = impact.app.data;
  const creds = impact.credentials.allowed ? impact.credentials.query.data : undefined;
  const suspended = result.to === 'suspended';
  return (
    <Alert color={suspended ? 'red' : 'teal'} variant="light" icon={<IconCircleCheck size={18} />} title={suspended ? `${result.name} is suspended` : `${result.name} is in force again`} role="status">
      <Stack gap={4}>
        <List size="sm" spacing={2} aria-label="Outcome">
          <List.Item>
            Status now: <strong>{app?.status ?? result.to}</strong> (was {result.from}), moved by {result.by.name ?? result.by.id}
          </List.Item>
          {creds ? (
            <List.Item>
              OAuth client <span className="mono">{creds.client_id}</span>: {creds.client_status}
              {suspended ? ', every token it was issued is void' : ', its credentials get new tokens'}
            </List.Item>
          ) : null}
          {suspended && moved.leaseIds.length === 0 ? <List.Item>No lease was active, so none needed revoking.</List.Item> : null}
          {suspended && moved.leaseIds.length > 0 && may('leases:read') ? <LeasesAfter app={result.name} ids={moved.leaseIds} /> : null}
        </List>
        {suspended ? (
          <Text size="sm" c="dimmed">
            To bring it back, choose it among the suspended apps and reinstate it.
          </Text>
        ) : null}
      </Stack>
    </Alert>
  );
}
