/**
 * One row of the form's data list: a connector, one of its resources, the fields the app reads
 * and the access it needs. Names are suggested from the connectors' field catalogs when the
 * caller may read them, and can still be typed, so the form works before a connector exists.
 */
import { ActionIcon, Autocomplete, Group, Paper, Select, TagsInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api, seg } from '../../api/client.ts';
import { useSession } from '../../auth/session.tsx';
import type { DataSource } from './manifest-form-model.ts';
import { accessModes, type AccessMode, type ConnectorCatalog } from './types.ts';

interface Props {
  index: number;
  value: DataSource;
  connectorNames: string[];
  onChange: (next: DataSource) => void;
  onRemove: () => void;
}

export function DataSourceRow({ index, value, connectorNames, onChange, onRemove }: Props) {
  const { may } = useSession();
  const known = connectorNames.includes(value.connector);
  const catalog = useQuery({
    queryKey: ['connectors', value.connector],
    queryFn: () => api<ConnectorCatalog>(`/api/v1/connectors/${seg(value.connector)}`),
    enabled: known && may('connectors:read'),
  });
  const resources = catalog.data?.catalog.resources ?? [];
  const fields = resources.find((r) => r.name === value.resource)?.fields ?? [];
  const n = index + 1;

  return (
    <Paper withBorder p="sm">
      <Group align="flex-end" wrap="wrap" gap="sm">
        <Autocomplete label={`Connector ${n}`} placeholder="hr" data={connectorNames} value={value.connector} onChange={(connector) => onChange({ ...value, connector })} w={{ base: '100%', sm: 160 }} />
        <Autocomplete label={`Resource ${n}`} placeholder="employees" data={resources.map((r) => r.name)} value={value.resource} onChange={(resource) => onChange({ ...value, resource })} w={{ base: '100%', sm: 170 }} />
        <Select label={`Access ${n}`} data={[...accessModes]} value={value.access} onChange={(a) => onChange({ ...value, access: (a ?? 'read') as AccessMode })} allowDeselect={false} w={{ base: '100%', sm: 130 }} />
        <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={`Remove data source ${n}`} mb={4}>
          <IconTrash size={16} />
        </ActionIcon>
      </Group>
      <TagsInput
        mt="xs"
        label={`Fields ${n}`}
        description={fields.length > 0 ? 'Pick from the connector’s field catalog; tagged fields raise the classification.' : 'Type a field name and press Enter.'}
        data={fields.map((f) => ({ value: f.name, label: f.tags.length > 0 ? `${f.name} (${f.tags.join(', ')})` : f.name }))}
        value={value.fields}
        onChange={(fs) => onChange({ ...value, fields: fs })}
      />
    </Paper>
  );
}
