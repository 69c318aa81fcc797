/**
 * One review, opened from the queue: who asked and when, governance's findings, the manifest
 * under review, and — for a reviewer, while it is open — the decision. A decided review shows
 * who decided, when and why.
 */
import { Anchor, Divider, Drawer, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, seg } from '../../api/client.ts';
import { Can, useSession } from '../../auth/session.tsx';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { Assessment } from './assessment.tsx';
import { actorName, age } from './format.ts';
import { ReviewStatusBadge, TierBadge } from '../../components/badges.tsx';
import { DecisionForm } from './decision-form.tsx';
import { ReviewManifest } from './review-manifest.tsx';
import type { ReviewDetail } from './types.ts';
import { Fact } from '../../components/fact.tsx';

function Decided({ detail }: { detail: ReviewDetail }) {
  const r = detail.review;
  return (
    <Stack gap={4}>
      <Title order={3}>Decision</Title>
      <Text size="sm">
        {r.status.replace('_', ' ')}
        {r.decided_by ? ` by ${actorName(r.decided_by)}` : ''}
        {r.decided_at ? ` on ${new Date(r.decided_at).toLocaleString()}` : ''}
      </Text>
      {r.comment ? <Text size="sm">Comment: {r.comment}</Text> : null}
      {r.checklist ? (
        <Text size="sm" c="dimmed">
          Checklist: {Object.entries(r.checklist).map(([k, v]) => `${k} ${v ? 'confirmed' : 'not confirmed'}`).join(', ')}
        </Text>
      ) : null}
    </Stack>
  );
}

export function ReviewDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const phone = useMediaQuery('(max-width: 48em)');
  const { may } = useSession();
  const q = useQuery({ queryKey: ['reviews', 'one', id], queryFn: () => api<ReviewDetail>(`/api/v1/reviews/${seg(id!)}`), enabled: id !== null });
  const d = q.data;
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size={phone ? '100%' : 'xl'} title={d ? `Review of ${d.review.app} v${d.review.version}` : 'Review'} closeButtonProps={{ 'aria-label': 'Close the review' }}>
      {q.isPending ? (
        <Loading what="the review" />
      ) : q.isError ? (
        <ProblemAlert error={q.error} onRetry={() => void q.refetch()} />
      ) : d ? (
        <Stack gap="md">
          <Group gap="xs">
            <ReviewStatusBadge status={d.review.status} />
            <TierBadge tier={d.review.risk.tier} score={d.review.risk.score} />
          </Group>
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <Fact label="App">
              {may('apps:read') ? (
                <Anchor component={Link} to={`/apps/${seg(d.review.app)}`}>
                  {d.app.title ?? d.review.app}
                </Anchor>
              ) : (
                d.review.app
              )}{' '}
              (v{d.review.version}, {d.review.kind})
            </Fact>
            <Fact label="Owner">{d.review.owner}</Fact>
            <Fact label="Requested by">{actorName(d.review.submitted_by)}</Fact>
            <Fact label="Waiting">
              <span title={d.review.submitted_at}>{d.review.status === 'open' ? `${age(d.review.submitted_at)} (since ${new Date(d.review.submitted_at).toLocaleString()})` : new Date(d.review.submitted_at).toLocaleString()}</span>
            </Fact>
          </SimpleGrid>
          <Divider />
          <Assessment detail={d} />
          <ReviewManifest app={d.review.app} version={d.review.version} />
          <Divider />
          {d.review.status === 'open' ? (
            <>
              <Can permission="reviews:decide">
                <DecisionForm key={d.review.id} detail={d} />
              </Can>
              {!may('reviews:decide') ? (
                <Text size="sm" c="dimmed">
                  Reviewers decide on this review; your role may read it.
                </Text>
              ) : null}
            </>
          ) : (
            <Decided detail={d} />
          )}
        </Stack>
      ) : null}
    </Drawer>
  );
}
