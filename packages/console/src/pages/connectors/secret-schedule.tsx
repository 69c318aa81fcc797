/**
 * Change a secret's description and rotation schedule (secrets:write, `PUT /api/v1/secrets/{name}`
 * without a value, so no new version is stored). Removing the schedule sends `rotation: null`.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Modal, NumberInput, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { api, seg } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import type { Secret } from './types.ts';
import { errorAt } from '../../components/field-errors.ts';
import { notify } from '../../components/notify.ts';
import { overlayProps } from '../../components/readable-errors.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';

export function SecretSchedule({ secret }: { secret: Secret }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [description, setDescription] = useState(secret.description ?? '');
  const [rotate, setRotate] = useState(secret.rotation !== null);
  const [everyDays, setEveryDays] = useState<number | string>(secret.rotation?.everyDays ?? 90);
  const [overlapHours, setOverlapHours] = useState<number | string>(secret.rotation?.overlapHours ?? 24);
  const save = useMutation({
    mutationFn: (body: { description: string | null; rotation: { everyDays: number; overlapHours?: number } | null }) => api<Secret>(`/api/v1/secrets/${seg(secret.name)}`, { method: 'PUT', body }),
    onSuccess: async (s) => {
      setOpen(false);
      notify({ color: 'teal', title: `Saved ${s.name}`, message: s.rotation ? `It rotates every ${s.rotation.everyDays} days.` : 'It has no rotation schedule.' });
      await qc.invalidateQueries({ queryKey: ['secrets'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const rotation = rotate && typeof everyDays === 'number' ? { everyDays, ...(typeof overlapHours === 'number' ? { overlapHours } : {}) } : null;
    save.mutate({ description: description.trim() || null, rotation });
  };

  return (
    <>
      <Button size="xs" variant="default" onClick={() => setOpen(true)}>
        Schedule and description
      </Button>
      <Modal {...overlayProps} opened={open} onClose={() => setOpen(false)} title={`Schedule of ${secret.name}`}>
        <form onSubmit={submit}>
          <Stack gap="sm">
            <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={500} error={errorAt(save.error, 'description')} />
            <Switch label="Rotate on a schedule" description={secret.kind === 'generated' ? 'Trellis makes each new value itself' : 'When due, the secret is marked for an admin to rotate'} checked={rotate} onChange={(e) => setRotate(e.currentTarget.checked)} />
            {rotate ? (
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <NumberInput label="Every (days)" min={1} max={3650} value={everyDays} onChange={setEveryDays} required error={errorAt(save.error, 'rotation.everyDays')} />
                <NumberInput label="Overlap (hours)" description="How long the previous version stays valid" min={0} max={8760} value={overlapHours} onChange={setOverlapHours} error={errorAt(save.error, 'rotation.overlapHours')} />
              </SimpleGrid>
            ) : null}
            {save.isError ? <ProblemAlert error={save.error} title="The schedule was not saved" /> : null}
            <DialogActions onCancel={() => setOpen(false)}>
              <Button type="submit" loading={save.isPending}>
                Save
              </Button>
            </DialogActions>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
