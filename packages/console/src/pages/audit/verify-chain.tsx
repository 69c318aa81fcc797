/**
 * "Verify chain": asks the server to check the whole trail (GET /api/v1/audit/verify — the hash
 * chain, every row against its MAC, and the signed checkpoints) and says, in words, whether it is
 * intact or where it breaks and why. Only for roles with audit:verify; a long trail takes a while.
 */
import { Alert, Button, List, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconShieldCheck, IconShieldX } from '@tabler/icons-react';
import { api } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import type { Verification } from './ledger.ts';

const numbers = new Intl.NumberFormat();

export function VerifyChain() {
  const run = useMutation({ mutationFn: () => api<Verification>('/api/v1/audit/verify') });
  const v = run.data;
  return (
    <Stack gap="xs">
      <div>
        <Button size="xs" variant="default" leftSection={<IconShieldCheck size={16} aria-hidden />} loading={run.isPending} onClick={() => run.mutate()}>
          Verify chain
        </Button>
      </div>
      {run.isError ? <ProblemAlert error={run.error} title="The trail could not be verified" onRetry={() => run.mutate()} /> : null}
      {v ? (
        v.ok && !v.broken ? (
          <Alert color="teal" icon={<IconShieldCheck size={18} aria-hidden />} title="Intact" role="status">
            <Text size="sm">
              {numbers.format(v.count)} events checked{v.lastSeq ? ` (1–${numbers.format(v.lastSeq)})` : ''}
              {v.ledger ? `, against ${numbers.format(v.ledger.checkpoints)} signed checkpoint${v.ledger.checkpoints === 1 ? '' : 's'}` : ''}
              {v.pruned ? `; ${numbers.format(v.pruned)} pruned by retention, still linked` : ''}.
            </Text>
          </Alert>
        ) : (
          <Alert color="red" icon={<IconShieldX size={18} aria-hidden />} title={v.broken ? `Broken at event ${numbers.format(v.broken.seq)}` : 'Problems found'} role="alert">
            <Stack gap={4}>
              {v.broken ? (
                <Text size="sm">
                  {v.broken.reason}: {v.broken.message}
                </Text>
              ) : null}
              {v.problemCount > 0 || (v.ledger && !v.ledger.ok) ? (
                <List size="sm">
                  {v.problems.slice(0, 5).map((p) => (
                    <List.Item key={`${p.id}-${p.reason}`}>
                      {p.seq !== null ? `event ${p.seq}` : `row ${p.id}`} — {p.reason}: {p.message}
                    </List.Item>
                  ))}
                  {(v.ledger?.problems ?? []).slice(0, 5).map((p, i) => (
                    <List.Item key={`ledger-${i}`}>
                      checkpoint{p.treeSize ? ` ${p.treeSize}` : ''} — {p.reason}: {p.message}
                    </List.Item>
                  ))}
                </List>
              ) : null}
              <Text size="sm">Do not trust the trail past this point. Export it as evidence and tell your security team.</Text>
            </Stack>
          </Alert>
        )
      ) : null}
    </Stack>
  );
}
