/**
 * The "what stops" cards for the chosen app: its OAuth client and credentials, its active
 * database leases, the connectors it reads, its exports and their configured deliveries, and
 * its gateway quota. Each card waits, fails or is hidden by role on its own.
 */
import type { ReactNode } from 'react';
import { Badge, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { manifestSpec } from '../app/data-flow-graph.ts';
import { exportStops, type Impact, type Part } from './impact.ts';

function PartCard<T>({ title, part, permission, what, children }: { title: string; part: Part<T> | { allowed: true; query: UseQueryResult<T> }; permission: string; what: string; children: (data: T) => ReactNode }) {
  let body: ReactNode;
  if (!part.allowed) body = <Text size="sm" c="dimmed">Your role cannot list these (it needs {permission}); they stop all the same.</Text>;
  else if (part.query.isPending) body = <Loading what={what} />;
  else if (part.query.isError) body = <ProblemAlert error={part.query.error} title={`The ${what} could not be read`} onRetry={() => void part.query.refetch()} />;
  else body = children(part.query.data);
  return (
    <Card withBorder padding="md">
      <Stack gap="xs">
        <Title order={4}>{title}</Title>
        {body}
      </Stack>
    </Card>
  );
}

const day = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');
const count = (n: number) => n.toLocaleString();
/** Bytes in the largest binary unit that keeps a whole number in front: 1 GiB, not 1073741824. */
function bytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

export function ImpactPanel({ impact }: { impact: Impact }) {
  const manifestPart = { allowed: true as const, query: impact.manifest };
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <PartCard title="OAuth credentials and tokens" part={impact.credentials} permission="oauth:read" what="credentials">
        {(c) =>
          c === null ? (
            <Text size="sm">No OAuth client: the app was never approved, so it holds no token.</Text>
          ) : (
            <Stack gap={6}>
              <Group gap="xs" wrap="wrap">
                <Text size="sm">
                  Client <span className="mono">{c.client_id}</span>
                </Text>
                <Badge color={c.client_status === 'active' ? 'teal.9' : 'gray.8'} variant="filled">
                  {c.client_status}
                </Badge>
              </Group>
              {c.items.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No credential: nothing can ask for a token in its name.
                </Text>
              ) : (
                <List size="sm" spacing={2} aria-label="Credentials">
                  {c.items.map((cred) => (
                    <List.Item key={cred.id}>
                      <span className="mono">{cred.id}</span> · {cred.type.replace('_', ' ')} · {cred.status} · expires {day(cred.expires_at)}
                    </List.Item>
                  ))}
                </List>
              )}
              <Text size="xs" c="dimmed">
                Suspending disables the client and voids every token it was issued, on every replica within a second.
              </Text>
            </Stack>
          )
        }
      </PartCard>

      <PartCard title="Active database leases" part={impact.leases} permission="leases:read" what="leases">
        {(l) =>
          l.items.length === 0 ? (
            <Text size="sm">No active lease: the app holds no database role now.</Text>
          ) : (
            <Stack gap={6}>
              <List size="sm" spacing={2} aria-label="Active leases">
                {l.items.map((lease) => (
                  <List.Item key={lease.id}>
                    <span className="mono">{lease.id}</span> · {lease.connector} · role <span className="mono">{lease.role}</span> · expires {day(lease.expires_at)}
                  </List.Item>
                ))}
              </List>
              {l.next_cursor ? <Text size="xs">…and more; every one of them is revoked.</Text> : null}
              <Text size="xs" c="dimmed">
                Revoked in the suspension's own transaction; their database roles are dropped right after.
              </Text>
            </Stack>
          )
        }
      </PartCard>

      <PartCard title="Connectors it reads" part={manifestPart} permission="apps:read" what="version in force">
        {(m) => {
          const connectors = m ? manifestSpec(m).connectors : [];
          return connectors.length === 0 ? (
            <Text size="sm">{m ? 'It binds no connector.' : 'No version in force: the gateway already refuses it.'}</Text>
          ) : (
            <Stack gap={6}>
              <List size="sm" spacing={2} aria-label="Connectors">
                {connectors.map((c) => (
                  <List.Item key={c.name}>
                    <Text span fw={600} size="sm">
                      {c.name}
                    </Text>
                    : {c.resources.map((r) => `${r.name} (${r.access}: ${r.fields.join(', ')})`).join('; ')}
                  </List.Item>
                ))}
              </List>
              <Text size="xs" c="dimmed">
                The gateway refuses every call of a suspended app (403 gateway_app_inactive).
              </Text>
            </Stack>
          );
        }}
      </PartCard>

      <PartCard title="Exports" part={impact.destinations} permission="exports:read" what="export destinations">
        {(destinations) => {
          const stops = exportStops(impact.manifest.data ?? null, destinations);
          return stops.length === 0 ? (
            <Text size="sm">It declares no export.</Text>
          ) : (
            <Stack gap={6}>
              <List size="sm" spacing={2} aria-label="Exports">
                {stops.map((e, i) => (
                  <List.Item key={`${e.name}-${i}`}>
                    {e.name} ·{' '}
                    {e.configured ? (
                      <>
                        delivers through <span className="mono">{e.configured.id}</span>
                      </>
                    ) : (
                      'no delivery configured'
                    )}
                  </List.Item>
                ))}
              </List>
              <Text size="xs" c="dimmed">
                Exports of a suspended app are refused (403 export_app_inactive); the deliveries stay configured for other apps.
              </Text>
            </Stack>
          );
        }}
      </PartCard>

      <PartCard title="Gateway quota" part={impact.quota} permission="gateway:read" what="gateway quota">
        {(q) => (
          <Stack gap={6}>
            <List size="sm" spacing={2} aria-label="Gateway quota">
              <List.Item>
                {count(q.limits.requestsPerMinute)} requests a minute{q.overrides?.requestsPerMinute != null ? ' (set for this app)' : ''}; {count(q.usage.minute.requests)} used this minute
              </List.Item>
              <List.Item>
                {count(q.limits.recordsPerDay)} records a day; {count(q.usage.day.records)} read today
              </List.Item>
              <List.Item>
                {bytes(q.limits.bytesPerDay)} a day; {bytes(q.usage.day.bytes)} used today
              </List.Item>
            </List>
            <Text size="xs" c="dimmed">
              No call counts against it while the app is suspended: each is refused before the quota.
            </Text>
          </Stack>
        )}
      </PartCard>
    </SimpleGrid>
  );
}
