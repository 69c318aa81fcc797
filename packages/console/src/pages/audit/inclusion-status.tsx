/**
 * Whether one event is in a signed checkpoint: the server's inclusion proof, checked in the
 * browser against the checkpoint's root (inclusion.ts). An event not yet anchored says when it
 * will be; a proof that does not hold says so plainly, as a sign the trail was altered.
 */
import { Alert, Loader, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconShieldCheck, IconShieldX, IconClock } from '@tabler/icons-react';
import { api } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { ProblemAlert } from '../../components/states.tsx';
import { proofHolds, type InclusionDocument } from './inclusion.ts';
import { signatureKeyId } from './ledger.ts';

type Status = { state: 'anchored'; doc: InclusionDocument; holds: boolean } | { state: 'pending'; message: string };

export function InclusionStatus({ seq }: { seq: number }) {
  const q = useQuery({
    queryKey: ['audit', 'inclusion', seq],
    queryFn: async ({ signal }): Promise<Status> => {
      try {
        const doc = await api<InclusionDocument>('/api/v1/audit/proofs/inclusion', { query: { seq }, signal });
        return { state: 'anchored', doc, holds: await proofHolds(doc) };
      } catch (err) {
        // 404: no checkpoint covers the event yet — the normal state of the newest events.
        if (err instanceof ApiError && err.status === 404) return { state: 'pending', message: err.detail ?? err.title };
        throw err;
      }
    },
  });
  if (q.isPending)
    return (
      <Group gap="xs" role="status">
        <Loader size="xs" />
        <Text size="sm">Checking the inclusion proof…</Text>
      </Group>
    );
  if (q.isError) return <ProblemAlert error={q.error} title="The inclusion proof could not be loaded" onRetry={() => void q.refetch()} />;
  const s = q.data;
  if (s.state === 'pending')
    return (
      <Alert color="yellow" icon={<IconClock size={18} aria-hidden />} title="Not in a signed checkpoint yet">
        <Text size="sm">{s.message}. Look again in a minute.</Text>
      </Alert>
    );
  const keyId = signatureKeyId(s.doc.checkpoint);
  return s.holds ? (
    <Alert color="teal" icon={<IconShieldCheck size={18} aria-hidden />} title="Included in a signed checkpoint">
      <Text size="sm">
        The proof of {s.doc.proof.length} hash{s.doc.proof.length === 1 ? '' : 'es'} rebuilds the root of the checkpoint over {s.doc.tree_size} events{keyId ? ` (key id ${keyId})` : ''}; checked in your browser.
      </Text>
    </Alert>
  ) : (
    <Alert color="red" icon={<IconShieldX size={18} aria-hidden />} title="The inclusion proof does not hold" role="alert">
      <Text size="sm">The server's proof does not lead to the signed root over {s.doc.tree_size} events: this event or the checkpoint was changed. Run "Verify chain" and tell your security team.</Text>
    </Alert>
  );
}
