/**
 * Renew or revoke a lease (leases:manage). Renewing extends its life (and its database role's
 * VALID UNTIL) but never past its maximum; revoking ends its sessions and drops the role at
 * once, so the app loses access until it asks for a new lease. Both are audited.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { notify } from '../../components/notify.ts';
import { api, post, seg } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import type { Lease } from './types.ts';
import { errorAt } from '../../components/field-errors.ts';
import { exact, relative } from './when.ts';
import { overlayProps } from '../../components/readable-errors.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';

export function LeaseActions({ lease }: { lease: Lease }) {
  const qc = useQueryClient();
  const [mode, setMode] = useState<'renew' | 'revoke' | null>(null);
  const [minutes, setMinutes] = useState<number | string>('');
  const [reason, setReason] = useState('');
  const path = `/api/v1/leases/${seg(lease.id)}`;
  const close = () => {
    setMode(null);
    renew.reset();
    revoke.reset();
  };
  const renew = useMutation({
    mutationFn: () => post<Lease>(`${path}/renew`, typeof minutes === 'number' ? { ttl_seconds: Math.round(minutes * 60) } : {}),
    onSuccess: async (l) => {
      close();
      notify({ color: 'teal', title: `Renewed the lease of ${l.app}`, message: `It now expires ${relative(l.expires_at)} (${exact(l.expires_at)}).` });
      await qc.invalidateQueries({ queryKey: ['leases'] });
    },
  });
  const revoke = useMutation({
    mutationFn: () => api<Lease>(path, { method: 'DELETE', body: reason.trim() ? { reason: reason.trim() } : {} }),
    onSuccess: async (l) => {
      close();
      notify({ color: 'teal', title: `Revoked the lease of ${l.app}`, message: `Role ${l.role} ${l.dropped_at ? 'is dropped' : 'is being dropped'}; the app asks for a new lease on its next call.` });
      await qc.invalidateQueries({ queryKey: ['leases'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'renew') renew.mutate();
    else revoke.mutate();
  };
  const failed = mode === 'renew' ? renew : revoke;

  return (
    <>
      <Group gap={6} wrap="nowrap">
        <Button size="xs" variant="light" onClick={() => setMode('renew')} aria-label={`Renew lease ${lease.id}`}>
          Renew
        </Button>
        <Button size="xs" variant="subtle" color="red" onClick={() => setMode('revoke')} aria-label={`Revoke lease ${lease.id}`}>
          Revoke
        </Button>
      </Group>
      <Modal {...overlayProps} opened={mode !== null} onClose={close} title={mode === 'renew' ? `Renew the lease of ${lease.app}` : `Revoke the lease of ${lease.app}?`}>
        <form onSubmit={submit}>
          <Stack gap="sm">
            {mode === 'renew' ? (
              <>
                <Text size="sm">
                  It expires {relative(lease.expires_at)} and can be renewed up to {exact(lease.max_expires_at)}.
                </Text>
                <NumberInput label="New remaining life (minutes)" description="Leave empty for the connector's maximum" min={1} value={minutes} onChange={setMinutes} error={errorAt(renew.error, 'ttl_seconds')} />
              </>
            ) : (
              <>
                <Text size="sm">Its sessions end and database role {lease.role} is dropped now. The app gets a new lease on its next call if it is still allowed.</Text>
                <TextInput label="Reason" description="Optional; kept in the audit trail" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} />
              </>
            )}
            {failed.isError ? <ProblemAlert error={failed.error} title={mode === 'renew' ? 'The lease was not renewed' : 'The lease was not revoked'} /> : null}
            <DialogActions onCancel={close}>
              <Button type="submit" color={mode === 'revoke' ? 'red' : undefined} loading={renew.isPending || revoke.isPending}>
                {mode === 'renew' ? 'Renew' : 'Revoke the lease'}
              </Button>
            </DialogActions>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
