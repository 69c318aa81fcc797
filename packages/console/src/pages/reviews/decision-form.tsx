/**
 * A reviewer's decision on an open review: the checklist (every item must be ticked to
 * approve), a comment (required to reject or request changes, since the owner reads it to fix
 * the app), and the three verdicts. The server decides whether this person may decide; its
 * refusal is shown as it gives it, and its field errors at the checkbox or comment they name.
 */
import { useState } from 'react';
import { Button, Checkbox, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { notify } from '../../components/notify.ts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { post, seg } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { DecisionError } from './decision-error.tsx';
import type { DecideBody, Review, ReviewDetail, Verdict } from './types.ts';

const verdictWords: Record<Verdict, string> = { approve: 'approved', reject: 'rejected', 'request-changes': 'sent back for changes' };

export function DecisionForm({ detail }: { detail: ReviewDetail }) {
  const { review } = detail;
  const queryClient = useQueryClient();
  const [ticked, setTicked] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: ({ verdict, body }: { verdict: Verdict; body: DecideBody }) => post<Review>(`/api/v1/reviews/${seg(review.id)}/${verdict}`, body),
    onSuccess: async (r, { verdict }) => {
      notify({
        title: `${r.app} v${r.version} ${verdictWords[verdict]}`,
        // Mantine greys a titled notification's text below AA contrast; the text keeps the body colour.
        message: (
          <Text size="sm" c="bright">
            {verdict === 'approve' ? 'This version is now the one in force.' : 'The owner sees your comment on the app.'}
          </Text>
        ),
        color: verdict === 'approve' ? 'teal' : 'yellow',
      });
      await Promise.all([queryClient.invalidateQueries({ queryKey: ['reviews'] }), queryClient.invalidateQueries({ queryKey: ['apps'] })]);
    },
  });
  const fieldError = (path: string) => (decide.error instanceof ApiError ? decide.error.errors.find((e) => e.path === path)?.message : undefined);
  const send = (verdict: Verdict) => {
    const text = comment.trim();
    decide.mutate({ verdict, body: { ...(text ? { comment: text } : {}), ...(verdict === 'approve' ? { checklist: Object.fromEntries(detail.checklist.map((c) => [c.item, ticked.includes(c.item)])) } : {}) } });
  };
  const pending = decide.isPending ? decide.variables.verdict : null;

  return (
    <Stack gap="sm">
      <Title order={3}>Your decision</Title>
      <Checkbox.Group label="Checklist" description="Approving needs every item confirmed." value={ticked} onChange={setTicked}>
        <Stack gap={6} mt={6}>
          {detail.checklist.map((c) => (
            <Checkbox
              key={c.item}
              value={c.item}
              label={`${c.item}: ${c.description}`}
              error={fieldError(`checklist.${c.item}`)}
            />
          ))}
        </Stack>
      </Checkbox.Group>
      <Textarea label="Comment" description="Required to reject or request changes: the owner reads it to fix the app." autosize minRows={2} maxLength={4000} value={comment} onChange={(e) => setComment(e.currentTarget.value)} error={fieldError('comment')} />
      <Group wrap="wrap">
        <Button color="teal.9" onClick={() => send('approve')} loading={pending === 'approve'} disabled={decide.isPending}>
          Approve
        </Button>
        <Button variant="default" onClick={() => send('request-changes')} loading={pending === 'request-changes'} disabled={decide.isPending}>
          Request changes
        </Button>
        <Button color="red.9" variant="outline" onClick={() => send('reject')} loading={pending === 'reject'} disabled={decide.isPending}>
          Reject
        </Button>
      </Group>
      {decide.isError ? <DecisionError error={decide.error} /> : null}
      {decide.isSuccess ? (
        <Text size="sm" role="status">
          Recorded: {decide.data.app} v{decide.data.version} is {decide.data.status.replace('_', ' ')}.
        </Text>
      ) : null}
    </Stack>
  );
}
