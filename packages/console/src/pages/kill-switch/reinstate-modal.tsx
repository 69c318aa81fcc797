/**
 * Bringing a suspended app back into force: a reviewer's direct move to approved, with a reason.
 * Says what comes back and what does not, so nobody expects old tokens to work again.
 */
import { useState } from 'react';
import { Button, List, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { post, seg } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import type { TransitionResult } from './types.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';

export function ReinstateModal({ app, opened, onClose, onDone }: { app: string; opened: boolean; onClose: () => void; onDone: (r: TransitionResult) => void }) {
  const [reason, setReason] = useState('');
  const reinstate = useMutation({
    mutationFn: () => post<TransitionResult>(`/api/v1/apps/${seg(app)}/transitions`, { to: 'approved', reason: reason.trim() }),
    onSuccess: (r) => {
      setReason('');
      onDone(r);
    },
  });
  const close = () => {
    reinstate.reset();
    onClose();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close without reinstating' }} opened={opened} onClose={close} title={<Text fw={700}>Reinstate {app}?</Text>} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (reason.trim() && !reinstate.isPending) reinstate.mutate();
        }}
      >
        <Stack gap="sm">
          <List size="sm" spacing={4} aria-label="What comes back">
            <List.Item>Its approved version is in force again: the gateway serves its calls and exports.</List.Item>
            <List.Item>Its OAuth client is enabled: its credentials get new tokens. Tokens issued before the suspension stay void.</List.Item>
            <List.Item>Database leases are made anew on its next call; the revoked ones stay revoked.</List.Item>
          </List>
          <Textarea label="Reason" description="Recorded in the app's status history and the audit trail." required autosize minRows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          {reinstate.isError ? <ProblemAlert error={reinstate.error} title={`${app} was not reinstated`} /> : null}
          <DialogActions onCancel={close}>
            <Button type="submit" disabled={!reason.trim()} loading={reinstate.isPending}>
              Reinstate {app}
            </Button>
          </DialogActions>
        </Stack>
      </form>
    </Modal>
  );
}
