/**
 * The kill switch's confirmation: names each thing the suspension stops, asks why (recorded in
 * the status history and the audit trail), and acts only once the app's name is typed, so a
 * slip of the mouse cannot stop the wrong app.
 */
import { useState } from 'react';
import { Alert, Button, List, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { IconAlertOctagon } from '@tabler/icons-react';
import { post, seg } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import type { TransitionResult } from './types.ts';
import './kill-switch.css';
import { DialogActions } from '../../components/dialog-actions.tsx';

export function SuspendModal({ app, lines, opened, onClose, onDone }: { app: string; lines: string[]; opened: boolean; onClose: () => void; onDone: (r: TransitionResult) => void }) {
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const suspend = useMutation({
    mutationFn: () => post<TransitionResult>(`/api/v1/apps/${seg(app)}/transitions`, { to: 'suspended', reason: reason.trim() }),
    onSuccess: (r) => {
      setReason('');
      setTyped('');
      onDone(r);
    },
  });
  const ready = typed === app && reason.trim().length > 0;
  const close = () => {
    suspend.reset();
    onClose();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close without suspending' }} opened={opened} onClose={close} title={<Text fw={700}>Suspend {app}?</Text>} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !suspend.isPending) suspend.mutate();
        }}
      >
        <Stack gap="sm">
          <Alert color="red" icon={<IconAlertOctagon size={18} />} title="This stops the app at once, on every replica">
            <List size="sm" spacing={4} aria-label="What stops">
              {lines.map((l) => (
                <List.Item key={l}>{l}</List.Item>
              ))}
            </List>
          </Alert>
          <Text size="sm">A reviewer can reinstate it later from this page; tokens voided now stay void, and leases are made anew on its next call.</Text>
          <Textarea label="Reason" description="Recorded in the app's status history and the audit trail." required autosize minRows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <TextInput
            label={`Type ${app} to confirm`}
            className="kill-switch-field"
            required
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            error={typed.length > 0 && !app.startsWith(typed) ? `That is not ${app}; type the app's name exactly.` : undefined}
          />
          {suspend.isError ? <ProblemAlert error={suspend.error} title={`${app} was not suspended`} /> : null}
          <DialogActions onCancel={close}>
            <Button type="submit" color="red.9" disabled={!ready} loading={suspend.isPending}>
              Suspend {app}
            </Button>
          </DialogActions>
        </Stack>
      </form>
    </Modal>
  );
}
