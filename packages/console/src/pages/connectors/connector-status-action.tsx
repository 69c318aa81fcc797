/**
 * Retire or reactivate a connector (connectors:write), with an optional reason that goes on the
 * audit record. A retired connector keeps its history; apps can no longer be bound to it until
 * it is reactivated.
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notify } from '../../components/notify.ts';
import { post, seg } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import type { ConnectorSummary } from './types.ts';
import { overlayProps } from '../../components/readable-errors.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';

export function ConnectorStatusAction({ connector }: { connector: ConnectorSummary }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const verb = connector.status === 'active' ? 'retire' : 'reactivate';
  const change = useMutation({
    mutationFn: () => post<ConnectorSummary>(`/api/v1/connectors/${seg(connector.name)}/${verb}`, reason.trim() ? { reason: reason.trim() } : {}),
    onSuccess: async (c) => {
      setOpen(false);
      setReason('');
      notify({ color: 'teal', title: `${c.name} is ${c.status}`, message: c.status === 'retired' ? 'Its history is kept; reactivate it to change or bind it again.' : 'Apps can bind it again.' });
      await qc.invalidateQueries({ queryKey: ['connectors'] });
    },
  });
  const label = verb === 'retire' ? 'Retire' : 'Reactivate';
  return (
    <>
      <Button size="xs" variant="light" color={verb === 'retire' ? 'orange' : 'teal'} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal {...overlayProps}
        opened={open}
        onClose={() => {
          setOpen(false);
          change.reset();
        }}
        title={`${label} ${connector.name}?`}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate();
          }}
        >
          <Stack gap="sm">
            <Text size="sm">{verb === 'retire' ? 'Its catalog will say retired and it cannot change until reactivated. Apps already bound keep their history.' : 'It becomes active again: it can change and apps can bind it.'}</Text>
            <TextInput label="Reason" description="Optional; kept in the audit trail" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={2000} />
            {change.isError ? <ProblemAlert error={change.error} title={`Could not ${verb} ${connector.name}`} /> : null}
            <DialogActions onCancel={() => setOpen(false)}>
              <Button type="submit" color={verb === 'retire' ? 'orange' : 'teal'} loading={change.isPending}>
                {label} {connector.name}
              </Button>
            </DialogActions>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
