/**
 * The Reviews tab: every review of this app (GET /api/v1/reviews?app=…), newest first, with the
 * decision and the reviewer's comment; open ones link to the review queue where they are decided.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { api } from '../../api/client.ts';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { ReviewStatusBadge, TierBadge } from '../../components/badges.tsx';
import { when } from './format.ts';
import type { Classification, RiskTier } from './types.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';

interface ReviewActor {
  id: string;
  name: string | null;
  subject: string | null;
}

/** The fields of a review this tab shows (governance/schema.ts reviewSchema). */
interface Review {
  id: string;
  app: string;
  version: number;
  kind: 'register' | 'update' | 'submit';
  status: 'open' | 'approved' | 'rejected' | 'changes_requested' | 'superseded' | 'withdrawn';
  classification: Classification | null;
  risk: { tier: RiskTier; score: number };
  reasons: string[];
  submitted_at: string;
  submitted_by: ReviewActor;
  decided_at: string | null;
  decided_by: ReviewActor | null;
  comment: string | null;
}

const person = (a: ReviewActor) => a.subject ?? a.name ?? a.id;

export function ReviewsTab({ name }: { name: string }) {
  const q = useInfiniteQuery({
    queryKey: ['apps', name, 'reviews'],
    queryFn: ({ pageParam, signal }) => api<{ items: Review[]; next_cursor: string | null }>('/api/v1/reviews', { query: { app: name, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  if (q.isPending) return <Loading what="reviews" />;
  if (q.isError) return <ProblemAlert error={q.error} title="The reviews could not be loaded" onRetry={() => void q.refetch()} />;
  const reviews = q.data.pages.flatMap((p) => p.items);
  const queueLink = (
    <Anchor component={Link} to="/reviews" size="sm">
      Open the review queue
    </Anchor>
  );
  if (reviews.length === 0) {
    return (
      <Empty title="No reviews of this app" action={queueLink}>
        A review opens when a version needs a person’s decision: a high-risk registration, or an update that widens what was approved.
      </Empty>
    );
  }
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Newest first. Open reviews are decided in the review queue.
        </Text>
        {queueLink}
      </Group>
      <ScrollTable minWidth={760} label={`Reviews of ${name}`}>
        <Table aria-label={`Reviews of ${name}`} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Submitted</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Risk</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Decision</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {reviews.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Text size="sm">{when(r.submitted_at)}</Text>
                  <Text size="xs" c="dimmed">
                    by {person(r.submitted_by)}
                  </Text>
                </Table.Td>
                <Table.Td>{r.version}</Table.Td>
                <Table.Td>{r.kind}</Table.Td>
                <Table.Td>
                  <TierBadge tier={r.risk.tier} score={r.risk.score} />
                </Table.Td>
                <Table.Td>
                  <ReviewStatusBadge status={r.status} />
                </Table.Td>
                <Table.Td>
                  {r.decided_at && r.decided_by ? (
                    <>
                      <Text size="xs" c="dimmed">
                        {when(r.decided_at)} by {person(r.decided_by)}
                      </Text>
                      {r.comment ? <Text size="sm">{r.comment}</Text> : null}
                    </>
                  ) : r.status === 'open' ? (
                    <Text size="sm">Awaiting a reviewer</Text>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {q.hasNextPage ? (
        <Group>
          <Button variant="default" size="xs" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
            Show older reviews
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
