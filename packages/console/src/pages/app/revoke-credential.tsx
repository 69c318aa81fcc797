/**
 * Revoking one credential: a confirmation that says what stops working, then DELETE. Rendered
 * only for roles with oauth:manage; the server still refuses anyone but the owner or an admin,
 * and that refusal is shown in the dialog.
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Code, Modal, Stack, Text } from '@mantine/core';
import { notify } from '../../components/notify.ts';
import { del, seg } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import { appPath } from './queries.ts';
import type { Credential } from './credentials.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';

export function RevokeCredential({ app, credential }: { app: string; credential: Credential }) {
  const [open, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => del<undefined>(`${appPath(app)}/credentials/${seg(credential.id)}`),
    onSuccess: async () => {
      setOpen(false);
      notify({ color: 'teal', title: 'Credential revoked', message: `${credential.id} no longer works for ${app}.` });
      await queryClient.invalidateQueries({ queryKey: ['apps', app, 'credentials'] });
    },
  });
  return (
    <>
      <Button size="xs" color="red" variant="outline" onClick={() => setOpen(true)} aria-label={`Revoke ${credential.id}`}>
        Revoke
      </Button>
      <Modal
        opened={open}
        onClose={() => {
          setOpen(false);
          revoke.reset();
        }}
        title="Revoke this credential?"
      >
        <Stack gap="sm">
          <Text size="sm">
            <Code>{credential.id}</Code> stops working at once: {app} can no longer get tokens with it. Add a new credential first if the app must keep running.
          </Text>
          {revoke.isError ? <ProblemAlert error={revoke.error} title="The credential was not revoked" /> : null}
          <DialogActions onCancel={() => setOpen(false)}>
            <Button color="red" loading={revoke.isPending} onClick={() => revoke.mutate()}>
              Revoke credential
            </Button>
          </DialogActions>
        </Stack>
      </Modal>
    </>
  );
}
