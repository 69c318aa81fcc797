/**
 * A dialog's buttons: Cancel first, then the action(s) the caller gives, at the dialog's right
 * edge. Every confirmation in the console reads the same way, and Cancel is always named Cancel.
 */
import type { ReactNode } from 'react';
import { Button, Group } from '@mantine/core';

export function DialogActions({ onCancel, cancelDisabled, children }: { onCancel: () => void; cancelDisabled?: boolean; children: ReactNode }) {
  return (
    <Group justify="flex-end" gap="xs">
      <Button variant="default" onClick={onCancel} disabled={cancelDisabled}>
        Cancel
      </Button>
      {children}
    </Group>
  );
}
