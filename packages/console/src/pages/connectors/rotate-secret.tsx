/**
 * Rotate a secret (secrets:write, `POST /api/v1/secrets/{name}/rotate`): a generated secret
 * gets a new random value; a static one takes the new value typed into a password field, sent
 * once and cleared. The previous version stays valid for the schedule's overlap.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { notify } from '../../components/notify.ts';
import { post, seg } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import type { Secret } from './types.ts';
import { errorAt } from '../../components/field-errors.ts';
import { overlayProps } from '../../components/readable-errors.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';

export function RotateSecret({ secret }: { secret: Secret }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const rotate = useMutation({
    mutationFn: (body: { value?: string }) => post<Secret>(`/api/v1/secrets/${seg(secret.name)}/rotate`, body),
    gcTime: 0,
    onSettled: () => setValue(''),
    onSuccess: async (s) => {
      setOpen(false);
      notify({ color: 'teal', title: `Rotated ${s.name}`, message: `Version ${s.current_version} is current; the previous one stays valid for the overlap.` });
      await qc.invalidateQueries({ queryKey: ['secrets'] });
    },
  });
  const close = () => {
    setOpen(false);
    setValue('');
    rotate.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rotate.mutate(secret.kind === 'static' ? { value } : {});
  };

  return (
    <>
      <Button size="xs" variant="light" onClick={() => setOpen(true)} aria-label={`Rotate ${secret.name}`}>
        Rotate
      </Button>
      <Modal {...overlayProps} opened={open} onClose={close} title={`Rotate ${secret.name}`}>
        <form onSubmit={submit} autoComplete="off">
          <Stack gap="sm">
            {secret.kind === 'static' ? (
              <PasswordInput label="New value" description="Sent once and never shown again" required value={value} onChange={(e) => setValue(e.currentTarget.value)} autoComplete="new-password" error={errorAt(rotate.error, 'value')} data-autofocus />
            ) : (
              <Text size="sm">Trellis generates a new random value. Whatever reads it through Trellis gets the new one; the previous one stays valid for the overlap.</Text>
            )}
            {rotate.isError && !errorAt(rotate.error, 'value') ? <ProblemAlert error={rotate.error} title="The secret was not rotated" /> : null}
            <DialogActions onCancel={close}>
              <Button type="submit" loading={rotate.isPending}>
                Store version {secret.current_version + 1}
              </Button>
            </DialogActions>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
