/**
 * The trail's integrity at a glance: how many events the chain holds, the newest signed
 * checkpoint (its size, age and signing key id) and how far each witness has acknowledged it.
 * The dashboard's chain card and the audit page both show it; "Verify chain" is there only for
 * roles that may run it.
 */
import type { ReactNode } from 'react';
import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { Can } from '../../auth/session.tsx';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { ago, signatureKeyId, useHead, useLatestCheckpoint, useWitnesses, type Witness } from './ledger.ts';
import { VerifyChain } from './verify-chain.tsx';
import { ScrollTable } from '../../components/scroll-table.tsx';

const numbers = new Intl.NumberFormat();
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="baseline">
      <Text component="dt" size="sm" c="dimmed" miw={150}>
        {term}
      </Text>
      <Text component="dd" size="sm" style={{ margin: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Group>
  );
}

function WitnessState({ w, size }: { w: Witness; size: number | undefined }) {
  if (w.last_error) return <Badge color="red" variant="light">Failing</Badge>;
  if (size !== undefined && w.tree_size >= size) return <Badge color="teal" variant="light">Up to date</Badge>;
  return <Badge color="yellow" variant="light">Behind</Badge>;
}

export function Witnesses() {
  const witnesses = useWitnesses();
  const latest = useLatestCheckpoint();
  if (witnesses.isPending) return <Loading what="witnesses" />;
  if (witnesses.isError) return <ProblemAlert error={witnesses.error} title="Witnesses could not be loaded" onRetry={() => void witnesses.refetch()} />;
  const items = witnesses.data.items;
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No witnesses are configured: checkpoints are signed but nobody outside this installation co-signs them. An admin can add witnesses (TRELLIS_AUDIT_WITNESSES, docs/audit.md).
      </Text>
    );
  return (
    <ScrollTable minWidth={480} label="Witnesses">
      <Table aria-label="Witnesses" fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Witness</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Acknowledged size</Table.Th>
            <Table.Th>Last push</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((w) => (
            <Table.Tr key={w.witness}>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{w.witness}</Table.Td>
              <Table.Td>
                <WitnessState w={w} size={latest.data?.tree_size} />
                {w.last_error ? (
                  <Text size="xs" c="dimmed">
                    {w.last_error}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>{numbers.format(w.tree_size)}</Table.Td>
              <Table.Td>{w.pushed_at ? ago(w.pushed_at) : 'never'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

export function ChainStatus({ withWitnesses = true }: { withWitnesses?: boolean }) {
  const head = useHead();
  const latest = useLatestCheckpoint();
  if (head.isPending || latest.isPending) return <Loading what="the chain's status" />;
  if (head.isError) return <ProblemAlert error={head.error} title="The chain's head could not be loaded" onRetry={() => void head.refetch()} />;
  if (latest.isError) return <ProblemAlert error={latest.error} title="The latest checkpoint could not be loaded" onRetry={() => void latest.refetch()} />;
  const cp = latest.data;
  const unanchored = cp ? Math.max(0, head.data.seq - cp.tree_size) : head.data.seq;
  const keyId = cp ? signatureKeyId(cp.note) : null;
  return (
    <Stack gap="sm">
      <Stack gap={4} component="dl" style={{ margin: 0 }}>
        <Fact term="Events in the chain">{numbers.format(head.data.seq)}</Fact>
        {cp ? (
          <>
            <Fact term="Latest checkpoint">
              covers events 1–{numbers.format(cp.tree_size)}, signed {ago(cp.created_at)} ({dateTime.format(new Date(cp.created_at))})
            </Fact>
            <Fact term="Signing key id">
              <Text span ff="monospace" size="sm">
                {keyId ?? 'unknown'}
              </Text>
            </Fact>
            <Fact term="Not yet in a checkpoint">
              {unanchored === 0 ? 'none' : `${numbers.format(unanchored)} event${unanchored === 1 ? '' : 's'} (the next checkpoint covers ${unanchored === 1 ? 'it' : 'them'})`}
            </Fact>
          </>
        ) : (
          <Fact term="Latest checkpoint">none signed yet — the first comes once events are sealed</Fact>
        )}
      </Stack>
      {withWitnesses ? <Witnesses /> : null}
      <Can permission="audit:verify">
        <VerifyChain />
      </Can>
    </Stack>
  );
}
