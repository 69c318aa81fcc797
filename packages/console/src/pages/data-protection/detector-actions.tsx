/**
 * A detector's actions for dlp:manage: edit, activate (the server tests it on its samples
 * again first), deactivate, and delete after a confirmation. Each acts at the version shown, so
 * acting on a detector someone else just changed is refused (409) rather than done blindly.
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notify } from '../../components/notify.ts';
import { api, post, seg } from '../../api/client.ts';
import { ApiError, errorMessage, fieldPlace } from '../../api/problem.ts';
import type { Detector } from './types.ts';
import { overlayProps } from '../../components/readable-errors.ts';

/** A refusal in one notification: the server's sentence and the samples it names. */
function failure(what: string, err: unknown) {
  const fields = err instanceof ApiError ? err.errors.map((e) => `${fieldPlace(e)}: ${e.message}`) : [];
  const next = err instanceof ApiError && err.status === 409 ? ' Someone changed it meanwhile; the list is reloaded, try again.' : fields.length > 0 ? ' Edit the detector so its samples pass, then activate it.' : '';
  notify({ color: 'red', title: `Could not ${what}`, message: `${errorMessage(err)}${fields.length > 0 ? ` (${fields.join('; ')})` : ''}.${next}`, autoClose: 12_000 });
}

export function DetectorActions({ detector, onEdit }: { detector: Detector; onEdit: () => void }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const path = `/api/v1/dlp/detectors/${seg(detector.id)}`;
  const done = () => qc.invalidateQueries({ queryKey: ['dlp', 'detectors'] });
  const toggle = useMutation({
    mutationFn: (action: 'activate' | 'deactivate') => post<Detector>(`${path}/${action}`, { version: detector.version }),
    onSuccess: (d) => notify({ color: 'teal', title: d.status === 'active' ? `${d.id} is active` : `${d.id} is switched off`, message: d.status === 'active' ? 'It runs in every scan from now on.' : 'Scans no longer run it; it is kept.' }),
    onError: (err, action) => failure(action === 'activate' ? `activate ${detector.id}` : `deactivate ${detector.id}`, err),
    onSettled: done,
  });
  const remove = useMutation({
    mutationFn: () => api<void>(path, { method: 'DELETE', query: { version: detector.version } }),
    onSuccess: () => {
      setConfirming(false);
      notify({ color: 'teal', title: `Deleted ${detector.id}`, message: 'Scans no longer run it.' });
    },
    onError: (err) => failure(`delete ${detector.id}`, err),
    onSettled: done,
  });

  return (
    <Group gap={6} wrap="nowrap">
      <Button size="xs" variant="default" onClick={onEdit} aria-label={`Edit ${detector.id}`}>
        Edit
      </Button>
      {detector.status === 'active' ? (
        <Button size="xs" variant="light" color="orange" loading={toggle.isPending} onClick={() => toggle.mutate('deactivate')} aria-label={`Deactivate ${detector.id}`}>
          Deactivate
        </Button>
      ) : (
        <Button size="xs" variant="light" loading={toggle.isPending} onClick={() => toggle.mutate('activate')} aria-label={`Activate ${detector.id}`}>
          Activate
        </Button>
      )}
      <Button size="xs" variant="subtle" color="red" onClick={() => setConfirming(true)} aria-label={`Delete ${detector.id}`}>
        Delete
      </Button>
      <Modal {...overlayProps} opened={confirming} onClose={() => setConfirming(false)} title={`Delete detector ${detector.id}?`}>
        <Stack gap="sm">
          <Text size="sm">Scans stop running it at once and its definition and samples are gone. To keep it but stop it, deactivate it instead.</Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Keep it
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
              Delete {detector.id}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Group>
  );
}
