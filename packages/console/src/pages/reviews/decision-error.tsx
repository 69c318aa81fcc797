/**
 * A refused decision in the server's words, with the next step that fits the refusal: another
 * reviewer when separation of duties applies, a reload when someone else decided first.
 */
import { Alert, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ApiError } from '../../api/problem.ts';
import { ProblemAlert } from '../../components/states.tsx';

const nextSteps: Record<string, string> = {
  separation_of_duties: 'Nobody decides on an app they own or submitted. Ask another reviewer to decide on this one.',
  review_closed: 'Someone decided this review meanwhile. Close it and look at the queue again.',
  checklist_incomplete: 'Tick every checklist item above, then approve again.',
  conflict: 'The app changed since this review opened. Close it and look at the queue again.',
};

export function DecisionError({ error }: { error: unknown }) {
  const step = error instanceof ApiError && error.code ? nextSteps[error.code] : undefined;
  if (!(error instanceof ApiError) || !step) return <ProblemAlert title="The decision was not recorded" error={error} />;
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={`Not recorded: ${error.title}`} role="alert">
      <Stack gap={6}>
        <Text size="sm">{error.detail ?? error.title}</Text>
        <Text size="sm" c="dimmed">
          {step}
        </Text>
      </Stack>
    </Alert>
  );
}
