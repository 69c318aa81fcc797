/**
 * A confirmation for a change that takes effect everywhere at once (activating a version,
 * rolling back): what will happen in words, the server's refusal if there is one, and the
 * button that does it. Closing it changes nothing.
 */
import type { ReactNode } from 'react';
import { Button, Modal, Stack } from '@mantine/core';
import { ProblemAlert } from '../../components/states.tsx';
import { DialogActions } from '../../components/dialog-actions.tsx';

export interface ConfirmModalProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

export function ConfirmModal({ opened, title, children, confirmLabel, pending, error, onConfirm, onClose }: ConfirmModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered closeButtonProps={{ 'aria-label': 'Close without changing anything' }}>
      <Stack gap="md">
        {children}
        {error ? <ProblemAlert error={error} title={`${confirmLabel} did not happen`} /> : null}
        <DialogActions onCancel={onClose} cancelDisabled={pending}>
          <Button onClick={onConfirm} loading={pending}>
            {confirmLabel}
          </Button>
        </DialogActions>
      </Stack>
    </Modal>
  );
}
