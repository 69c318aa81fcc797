/** One event opened from the table: its facts, its inclusion proof's status, and the event as JSON (read-only). */
import { Drawer, Group, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { CodeEditor } from '../../components/editor/code-editor.tsx';
import type { AuditRecord } from './types.ts';
import { actorOf, OutcomeBadge, when } from './columns.tsx';
import { InclusionStatus } from './inclusion-status.tsx';

export function EventDrawer({ record, onClose }: { record: AuditRecord | null; onClose: () => void }) {
  const phone = useMediaQuery('(max-width: 48em)');
  return (
    <Drawer opened={record !== null} onClose={onClose} position="right" size={phone ? '100%' : 'xl'} title={record ? `Event ${record.seq}` : 'Event'} closeButtonProps={{ 'aria-label': 'Close event' }}>
      {record ? (
        <Stack gap="md">
          <Group gap="xs" wrap="wrap">
            <OutcomeBadge status={record.event.status} />
            <Text size="sm" ff="monospace">
              {record.event.api?.operation}
            </Text>
            <Text size="sm" c="dimmed">
              {when(record.event.time_dt)} by {actorOf(record)}
            </Text>
          </Group>
          {record.event.message ? <Text size="sm">{record.event.message}</Text> : null}
          <Stack gap="xs">
            <Title order={3} size="h5">
              Inclusion proof
            </Title>
            <InclusionStatus seq={record.seq} />
          </Stack>
          <Stack gap="xs">
            <Title order={3} size="h5">
              Event
            </Title>
            <CodeEditor value={JSON.stringify(record, null, 2)} language="json" label={`Event ${record.seq} as JSON`} readOnly maxHeight={520} />
          </Stack>
        </Stack>
      ) : null}
    </Drawer>
  );
}
