/**
 * The bundle in force: which version, since when and by whom, whether this server holds it, and
 * (for those who may) rolling back to the version before it, after a confirmation.
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { notify } from '../../components/notify.ts';
import { post } from '../../api/client.ts';
import { Can } from '../../auth/session.tsx';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { ConfirmModal } from './confirm-modal.tsx';
import { useActiveState, useRefreshPolicy } from './queries.ts';
import { when, who } from './format.ts';
import type { ActiveState } from './types.ts';

export function ActiveCard() {
  const active = useActiveState();
  if (active.isPending) return <Loading what="the active bundle" />;
  if (active.isError) return <ProblemAlert error={active.error} title="The active bundle could not be read" onRetry={() => void active.refetch()} />;
  const a = active.data.active;
  return (
    <Card withBorder padding="md" component="section" aria-label="Bundle in force">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Stack gap={2}>
          <Text size="sm" c="dimmed">
            In force
          </Text>
          {a ? (
            <>
              <Text fw={600}>Version {a.version}</Text>
              <Text size="sm">
                {a.action === 'rollback' ? 'Rolled back to' : a.action === 'bootstrap' ? 'Installed (built-in pack)' : 'Activated'} {when(a.activated_at)} by {who(a.activated_by)}
                {a.previous_version !== null ? `; before it, version ${a.previous_version}` : ''}
              </Text>
            </>
          ) : (
            <Text fw={600}>No bundle is active: every decision is deny until a version is activated.</Text>
          )}
          <LoadedNote state={active.data} />
        </Stack>
        {a && a.previous_version !== null ? (
          <Can permission="policy:activate">
            <RollBack state={active.data} />
          </Can>
        ) : null}
      </Group>
    </Card>
  );
}

function LoadedNote({ state }: { state: ActiveState }) {
  const loaded = state.loaded?.version ?? null;
  const inForce = state.active?.version ?? null;
  if (inForce === null || loaded === inForce) return null;
  return (
    <Badge color="yellow" variant="light">
      This server still decides with version {loaded ?? 'none'}; it follows within a second, reload to check
    </Badge>
  );
}

function RollBack({ state }: { state: ActiveState }) {
  const [open, setOpen] = useState(false);
  const refresh = useRefreshPolicy();
  const rollback = useMutation({
    mutationFn: () => post<ActiveState>('/api/v1/policy/rollback'),
    onSuccess: async (next) => {
      await refresh();
      setOpen(false);
      notify({ color: 'teal', title: 'Rolled back', message: `Version ${next.active?.version ?? '?'} is in force again.` });
    },
  });
  // After a rollback, previous_version names the version it replaced, not where the next rollback goes.
  const to = state.active?.action === 'rollback' ? null : (state.active?.previous_version ?? null);
  return (
    <>
      <Button variant="light" color="orange" onClick={() => setOpen(true)}>
        Roll back
      </Button>
      <ConfirmModal
        opened={open}
        title="Roll back the policy bundle?"
        confirmLabel={to !== null ? `Roll back to version ${to}` : 'Roll back'}
        pending={rollback.isPending}
        error={rollback.error}
        onConfirm={() => rollback.mutate()}
        onClose={() => {
          setOpen(false);
          rollback.reset();
        }}
      >
        <Text size="sm">
          {to !== null ? `Version ${to}` : `The version in force before version ${state.active?.version} came into force`} becomes the bundle in force on every server within a second, in place of version {state.active?.version}. Admission, gateway, export and token decisions use it from then on; the rollback is recorded in the audit trail.
        </Text>
      </ConfirmModal>
    </>
  );
}
