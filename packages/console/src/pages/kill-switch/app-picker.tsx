/**
 * Choosing the app to stop (or to reinstate): apps in force or suspended ones, searched on the
 * server by name, title and description (the catalog may hold 100,000 apps; only a page is asked).
 */
import { Group, Loader, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';
import type { AppList } from '../app/types.ts';

export type PickStatus = 'approved' | 'suspended';

const pageSize = 25;

export function AppPicker({ status, onStatus, value, onChange }: { status: PickStatus; onStatus: (s: PickStatus) => void; value: string | null; onChange: (name: string | null) => void }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  // Once an app is chosen the search box shows its label; that text is not a new search.
  const query = value && search.startsWith(value) ? '' : q;
  const apps = useQuery({
    queryKey: ['kill-switch', 'apps', status, query],
    queryFn: () => api<AppList>('/api/v1/apps', { query: { status, q: query || undefined, limit: pageSize } }),
    placeholderData: keepPreviousData,
  });
  const items = apps.data?.items ?? [];
  const data = items.map((a) => ({ value: a.name, label: a.title ? `${a.name} — ${a.title}` : a.name }));
  // The chosen app stays selectable even when the current page of results does not hold it.
  if (value && !data.some((d) => d.value === value)) data.unshift({ value, label: value });
  const none = status === 'approved' ? 'No app in force matches. Check the spelling, or look among suspended apps.' : 'No suspended app matches. Check the spelling, or look among apps in force.';

  return (
    <Stack gap="xs">
      <Group gap="sm" wrap="wrap" align="flex-end">
        <SegmentedControl
          aria-label="Which apps to search"
          value={status}
          onChange={(v) => {
            // The page clears the chosen app with the list in one change of the address.
            onStatus(v as PickStatus);
            setSearch('');
          }}
          data={[
            { value: 'approved', label: 'In force' },
            { value: 'suspended', label: 'Suspended' },
          ]}
        />
        <Select
          label={status === 'approved' ? 'App in force' : 'Suspended app'}
          placeholder="Search by name or title"
          searchable
          clearable
          w={{ base: '100%', sm: 420 }}
          data={data}
          value={value}
          onChange={onChange}
          searchValue={search}
          onSearchChange={setSearch}
          // The server already matched the words; Mantine's own filter would hide prefix matches on the title.
          filter={({ options }) => options}
          nothingFoundMessage={apps.isFetching ? 'Searching…' : none}
          rightSection={apps.isFetching ? <Loader size="xs" aria-label="Searching" /> : undefined}
          comboboxProps={{ withinPortal: true }}
        />
      </Group>
      {apps.isError ? <ProblemAlert error={apps.error} title="The apps could not be listed" onRetry={() => void apps.refetch()} /> : null}
      {apps.data?.next_cursor ? (
        <Text size="xs" c="dimmed">
          Showing the first {pageSize} matches; type more of the name to narrow them.
        </Text>
      ) : null}
    </Stack>
  );
}
