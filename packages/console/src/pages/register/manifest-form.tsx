/**
 * The template form: who owns the app, what it is for, how sensitive its data is and which
 * connectors, resources and fields it reads. Every change is handed up, and the page turns it
 * into the YAML in the editor.
 */
import { Button, Group, NumberInput, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import { DataSourceRow } from './data-source-row.tsx';
import { applyTemplate, templates, type ManifestForm as Values } from './manifest-form-model.ts';
import { classifications, runtimes, type Classification, type ConnectorSummary, type Runtime } from './types.ts';

export function ManifestForm({ value, onChange }: { value: Values; onChange: (next: Values) => void }) {
  const { may } = useSession();
  const connectors = useQuery({
    queryKey: ['connectors', 'names'],
    queryFn: () => api<{ items: ConnectorSummary[] }>('/api/v1/connectors', { query: { limit: 200 } }),
    enabled: may('connectors:read'),
  });
  const connectorNames = connectors.data?.items.map((c) => c.name) ?? [];
  const set = <K extends keyof Values>(key: K, v: Values[K]) => onChange({ ...value, [key]: v });

  return (
    <Stack gap="sm">
      <Title order={3}>Fill a form</Title>
      <Text size="sm" c="dimmed">
        The form writes the YAML in the editor; editing the YAML does not change the form.
      </Text>
      <Select label="Template" data={templates.map((t) => ({ value: t.id, label: t.label }))} value={value.template} onChange={(id) => onChange(applyTemplate(value, id ?? ''))} allowDeselect={false} />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput label="Name" description="Lower-case letters, digits and -" placeholder="leave-requests" value={value.name} onChange={(e) => set('name', e.currentTarget.value)} required />
        <TextInput label="Title" placeholder="Leave requests" value={value.title} onChange={(e) => set('title', e.currentTarget.value)} />
        <TextInput label="Owner" description="user:<e-mail> or group:<team>" placeholder="user:ana@example.com" value={value.owner} onChange={(e) => set('owner', e.currentTarget.value)} required />
        <TextInput label="Team" placeholder="hr-analytics" value={value.team} onChange={(e) => set('team', e.currentTarget.value)} />
      </SimpleGrid>
      <Textarea label="Purpose" description="What the app is for; reviewers weigh the data it asks for against it." autosize minRows={2} value={value.purpose} onChange={(e) => set('purpose', e.currentTarget.value)} />
      <Textarea label="Description" autosize minRows={1} value={value.description} onChange={(e) => set('description', e.currentTarget.value)} />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Select label="Classification" description="Detected data can raise it" placeholder="Not declared" data={[...classifications]} value={value.classification || null} onChange={(c) => set('classification', (c ?? '') as Classification | '')} clearable />
        <Select label="Runtime" data={[...runtimes]} value={value.runtime} onChange={(r) => set('runtime', (r ?? 'sandbox') as Runtime)} allowDeselect={false} />
        <NumberInput label="Retention (days)" min={1} max={36500} value={value.retentionDays} onChange={(d) => set('retentionDays', typeof d === 'number' ? d : '')} />
      </SimpleGrid>
      <Title order={4} mt="xs">
        Data the app reads
      </Title>
      {value.sources.length === 0 ? (
        <Text size="sm" c="dimmed">
          No connectors yet. Add one for each system the app reads through the gateway.
        </Text>
      ) : null}
      {value.sources.map((s, i) => (
        <DataSourceRow
          key={i}
          index={i}
          value={s}
          connectorNames={connectorNames}
          onChange={(next) => set('sources', value.sources.map((x, j) => (j === i ? next : x)))}
          onRemove={() => set('sources', value.sources.filter((_, j) => j !== i))}
        />
      ))}
      <Group>
        <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => set('sources', [...value.sources, { connector: '', resource: '', fields: [], access: 'read' }])}>
          Add a data source
        </Button>
      </Group>
    </Stack>
  );
}
