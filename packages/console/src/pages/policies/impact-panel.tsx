/**
 * Impact analysis before activation: every app decided again under this version and under the
 * one in force, and the apps whose decision or messages would change. Only once the reader has
 * seen that list is the version offered for activation (with a confirmation naming the counts).
 */
import { useState } from 'react';
import { Button, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { notify } from '../../components/notify.ts';
import { post, seg } from '../../api/client.ts';
import { Can } from '../../auth/session.tsx';
import { Empty, ProblemAlert } from '../../components/states.tsx';
import { ConfirmModal } from './confirm-modal.tsx';
import { useRefreshPolicy } from './queries.ts';
import type { ActiveState, ImpactItem, ImpactResult } from './types.ts';
import { ScrollBox } from '../../components/scroll-box.tsx';

const changeLabel: Record<ImpactItem['change'], string> = { to_deny: 'would be denied', to_allow: 'would be allowed', messages: 'messages change' };
// Text colours that keep AA contrast on white; the words carry the meaning.
const changeColor: Record<ImpactItem['change'], string> = { to_deny: 'red.9', to_allow: 'teal.9', messages: 'orange.9' };

function Messages({ gained, lost }: { gained: string[]; lost: string[] }) {
  if (gained.length === 0 && lost.length === 0) return <Text size="sm">—</Text>;
  return (
    <List size="sm" spacing={2}>
      {gained.map((m) => (
        <List.Item key={`+${m}`}>
          <Text span fw={600} size="sm">
            new:{' '}
          </Text>
          {m}
        </List.Item>
      ))}
      {lost.map((m) => (
        <List.Item key={`-${m}`}>
          <Text span fw={600} size="sm">
            gone:{' '}
          </Text>
          {m}
        </List.Item>
      ))}
    </List>
  );
}

function ImpactTable({ result, version }: { result: ImpactResult; version: number }) {
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Apps decided" value={result.apps} />
        <Stat label="Apps that change" value={result.changed} />
        <Stat label="Allowed → denied" value={result.flips.to_deny} />
        <Stat label="Denied → allowed" value={result.flips.to_allow} />
      </SimpleGrid>
      {result.items.length === 0 ? (
        <Empty title="No app's decision changes">Every app gets the same decision and messages under version {version} as under the bundle in force.</Empty>
      ) : (
        <ScrollBox label={`Apps whose decision changes under version ${version}, scrollable`}>
          <Table striped withTableBorder aria-label={`Apps whose decision changes under version ${version}`} miw={720}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>App</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Change</Table.Th>
                <Table.Th>Now → then</Table.Th>
                <Table.Th>Messages</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.items.map((item) => (
                <Table.Tr key={item.app}>
                  <Table.Td ff="monospace">{item.app}</Table.Td>
                  <Table.Td>{item.status.replace(/_/g, ' ')}</Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={600} c={changeColor[item.change]}>
                      {changeLabel[item.change]}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {item.before.result} → {item.after.result}
                  </Table.Td>
                  <Table.Td>
                    <Messages gained={item.added} lost={item.removed} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollBox>
      )}
      {result.truncated ? <Text size="sm">Only the first {result.items.length} changed apps are listed; the counts above cover all {result.apps}.</Text> : null}
      <Text size="xs" c="dimmed">
        Decided in {Math.round(result.duration_ms)} ms.
      </Text>
    </Stack>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value.toLocaleString()}
      </Text>
    </Stack>
  );
}

export function ImpactPanel({ version, activeVersion }: { version: number; activeVersion: number | null }) {
  const impact = useMutation({ mutationFn: () => post<ImpactResult>('/api/v1/policy/impact', { bundle: version }) });
  return (
    <Stack gap="sm">
      <Title order={4}>Impact of activating version {version}</Title>
      <Text size="sm" c="dimmed">
        Every app in the catalog is decided again under version {version} and under {activeVersion !== null ? `version ${activeVersion}, in force now` : 'no bundle (none is active)'}; the apps whose decision would change are listed before you can activate it.
      </Text>
      <Group>
        <Button variant="light" onClick={() => impact.mutate()} loading={impact.isPending}>
          {impact.data ? 'Analyse impact again' : 'Analyse impact'}
        </Button>
      </Group>
      {impact.isError ? <ProblemAlert error={impact.error} title="The impact could not be analysed" onRetry={() => impact.mutate()} /> : null}
      {impact.data ? (
        <>
          <ImpactTable result={impact.data} version={version} />
          <Can permission="policy:activate">
            <Activate version={version} impact={impact.data} />
          </Can>
        </>
      ) : null}
    </Stack>
  );
}

function Activate({ version, impact }: { version: number; impact: ImpactResult }) {
  const [open, setOpen] = useState(false);
  const refresh = useRefreshPolicy();
  const activate = useMutation({
    mutationFn: () => post<ActiveState>(`/api/v1/policy/bundles/${seg(version)}/activate`),
    onSuccess: async () => {
      await refresh();
      setOpen(false);
      notify({ color: 'teal', title: 'Activated', message: `Version ${version} is in force; every server uses it within a second.` });
    },
  });
  return (
    <>
      <Group>
        <Button onClick={() => setOpen(true)}>
          Activate version {version}
        </Button>
      </Group>
      <ConfirmModal
        opened={open}
        title={`Activate version ${version}?`}
        confirmLabel={`Activate version ${version}`}
        pending={activate.isPending}
        error={activate.error}
        onConfirm={() => activate.mutate()}
        onClose={() => {
          setOpen(false);
          activate.reset();
        }}
      >
        <Text size="sm">
          Version {version} becomes the bundle in force on every server within a second. {impact.changed === 0 ? 'No app’s decision changes.' : `${impact.changed} of ${impact.apps} apps change: ${impact.flips.to_deny} would be denied, ${impact.flips.to_allow} would be allowed, the rest get different messages.`} You can roll back afterwards.
        </Text>
      </ConfirmModal>
    </>
  );
}
