/**
 * Store a new secret (secrets:write, `PUT /api/v1/secrets/{name}`): its name, what it is for,
 * whether Trellis generates its value or a person supplies it, and an optional rotation
 * schedule. A supplied value is typed into a password field, sent once and cleared: no answer
 * of the API can carry it back, and the page keeps no copy.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, NumberInput, PasswordInput, Radio, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { notify } from '../../components/notify.ts';
import { api, seg } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import type { Secret } from './types.ts';
import { errorAt } from '../../components/field-errors.ts';
import { overlayProps } from '../../components/readable-errors.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';

interface PutBody {
  value?: string;
  description?: string;
  kind: 'static' | 'generated';
  rotation?: { everyDays: number; overlapHours?: number };
}

export function SecretForm({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<'static' | 'generated'>('static');
  const [value, setValue] = useState('');
  const [rotate, setRotate] = useState(false);
  const [everyDays, setEveryDays] = useState<number | string>(90);
  const [overlapHours, setOverlapHours] = useState<number | string>(24);
  const put = useMutation({
    mutationFn: ({ name: n, body }: { name: string; body: PutBody }) => api<Secret>(`/api/v1/secrets/${seg(n)}`, { method: 'PUT', body }),
    // The value is in the mutation's variables: drop them as soon as the request is over.
    gcTime: 0,
    onSettled: () => setValue(''),
    onSuccess: async (s) => {
      await qc.invalidateQueries({ queryKey: ['secrets'] });
      notify({ color: 'teal', title: `Stored secret ${s.name}`, message: `Version ${s.current_version}. Its value cannot be shown again; connectors reference it by name.` });
      onClose();
      onCreated(s.name);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: PutBody = { kind, ...(description.trim() ? { description: description.trim() } : {}), ...(kind === 'static' ? { value } : {}) };
    if (rotate && typeof everyDays === 'number') body.rotation = { everyDays, ...(typeof overlapHours === 'number' ? { overlapHours } : {}) };
    put.mutate({ name: name.trim(), body });
  };

  return (
    <Modal {...overlayProps} opened onClose={onClose} title="New secret" size="lg">
      <form onSubmit={submit} autoComplete="off">
        <Stack gap="sm">
          <TextInput label="Name" description="1–63 lower-case letters, digits and hyphens, e.g. hr-db-admin; connectors use this name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errorAt(put.error, 'name')} />
          <TextInput label="Description" description="Optional: what it is for and who owns it" value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={500} error={errorAt(put.error, 'description')} />
          <Radio.Group label="Value" value={kind} onChange={(v) => setKind(v === 'generated' ? 'generated' : 'static')}>
            <Group mt={4} gap="lg">
              <Radio value="static" label="I supply it (a password, an API key)" />
              <Radio value="generated" label="Trellis generates a random one" />
            </Group>
          </Radio.Group>
          {kind === 'static' ? (
            <PasswordInput label="Secret value" description="Sent once over this connection and never shown again" required value={value} onChange={(e) => setValue(e.currentTarget.value)} autoComplete="new-password" error={errorAt(put.error, 'value')} />
          ) : null}
          <Switch label="Rotate on a schedule" checked={rotate} onChange={(e) => setRotate(e.currentTarget.checked)} />
          {rotate ? (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <NumberInput label="Every (days)" min={1} max={3650} value={everyDays} onChange={setEveryDays} required error={errorAt(put.error, 'rotation.everyDays')} />
              <NumberInput label="Overlap (hours)" description="How long the previous version stays valid" min={0} max={8760} value={overlapHours} onChange={setOverlapHours} error={errorAt(put.error, 'rotation.overlapHours')} />
            </SimpleGrid>
          ) : null}
          {put.isError ? <ProblemAlert error={put.error} title="The secret was not stored" /> : null}
          <DialogActions onCancel={onClose}>
            <Button type="submit" loading={put.isPending}>
              Store the secret
            </Button>
          </DialogActions>
        </Stack>
      </form>
    </Modal>
  );
}
