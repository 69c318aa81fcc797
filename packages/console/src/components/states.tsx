/**
 * What a page shows while it waits, when there is nothing yet, and when a request failed — each
 * saying what to do next, never a blank area.
 */
import type { ReactNode } from 'react';
import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconInbox } from '@tabler/icons-react';
import { ApiError, errorMessage } from '../api/problem.ts';
import { FieldErrorList } from './field-error-list.tsx';

export function Loading({ what }: { what: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">Loading {what}…</Text>
      </Group>
    </Center>
  );
}

export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <Center py="xl">
      <Stack align="center" gap="xs" maw={480}>
        <IconInbox size={32} stroke={1.4} aria-hidden />
        <Text fw={600}>{title}</Text>
        {children ? (
          <Text c="dimmed" ta="center" size="sm">
            {children}
          </Text>
        ) : null}
        {action}
      </Stack>
    </Center>
  );
}

/** What went wrong, in the server's words, with the fields it names and what to try. */
export function ProblemAlert({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const api = error instanceof ApiError ? error : null;
  const hint = api ? nextStep(api) : 'Check your connection and try again.';
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={title ?? api?.title ?? 'Something went wrong'} role="alert">
      <Stack gap={6}>
        <Text size="sm">{errorMessage(error)}</Text>
        {api && api.errors.length > 0 ? (
          <FieldErrorList errors={api.errors} />
        ) : null}
        {hint ? (
          <Text size="sm" c="dimmed">
            {hint}
          </Text>
        ) : null}
        {api?.code ? (
          <Text size="xs" c="dimmed">
            code {api.code}
          </Text>
        ) : null}
        {onRetry ? (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              Try again
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}

function nextStep(e: ApiError): string | null {
  if (e.status === 403) return 'Your role does not allow this. Ask an admin if you need it.';
  if (e.status === 404) return 'It may have been renamed or removed; go back to the list and look again.';
  if (e.status === 409) return 'Someone changed it meanwhile; reload and try again.';
  if (e.status === 429) return e.retryAfter ? `Too many requests; try again in ${e.retryAfter} s.` : 'Too many requests; wait a moment and try again.';
  if (e.status >= 500) return 'The server could not finish this; try again, and tell your admin if it keeps happening.';
  if (e.errors.length > 0) return 'Correct the fields named above and send it again.';
  return null;
}
