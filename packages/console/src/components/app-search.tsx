/**
 * Choosing one catalog app by name: a search box whose words the server matches against name,
 * title and description, a page at a time (the catalog may hold 100,000 apps). Pages narrow it
 * to a status and say in their own words what to do when nothing matches.
 */
import { useState } from 'react';
import { Loader, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { ProblemAlert } from './states.tsx';

interface AppPage {
  items: { name: string; title: string | null; status: string }[];
  next_cursor: string | null;
}

const pageSize = 25;

/** The key every app search is cached under, for pages that change an app's status. */
export const appSearchKey = ['apps', 'search'] as const;

interface Props {
  label: string;
  description?: string;
  /** Only apps in this status; every status when absent, and then each option names its status. */
  status?: string;
  nothingFound: string;
  value: string | null;
  onChange: (name: string | null) => void;
}

export function AppSearch({ label, description, status, nothingFound, value, onChange }: Props) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  // Once an app is chosen the box shows its label; that text is not a new search.
  const query = value && search.startsWith(value) ? '' : q;
  const apps = useQuery({
    queryKey: [...appSearchKey, status ?? 'any', query],
    queryFn: () => api<AppPage>('/api/v1/apps', { query: { status, q: query || undefined, limit: pageSize } }),
    placeholderData: keepPreviousData,
  });
  const data = (apps.data?.items ?? []).map((a) => {
    const named = a.title ? `${a.name} — ${a.title}` : a.name;
    return { value: a.name, label: status ? named : `${named} (${a.status.replaceAll('_', ' ')})` };
  });
  // The chosen app stays selectable even when the current page of results does not hold it.
  if (value && !data.some((d) => d.value === value)) data.unshift({ value, label: value });
  return (
    <Stack gap="xs">
      <Select
        label={label}
        description={description}
        placeholder="Search by name or title"
        searchable
        clearable
        data={data}
        value={value}
        onChange={onChange}
        searchValue={search}
        onSearchChange={setSearch}
        // The server already matched the words; Mantine's own filter would hide matches on the title.
        filter={({ options }) => options}
        nothingFoundMessage={apps.isFetching ? 'Searching…' : nothingFound}
        rightSection={apps.isFetching ? <Loader size="xs" aria-label="Searching" /> : undefined}
        comboboxProps={{ withinPortal: true }}
        w={{ base: '100%', sm: 440 }}
      />
      {apps.isError ? <ProblemAlert error={apps.error} title="The apps could not be listed" onRetry={() => void apps.refetch()} /> : null}
      {apps.data?.next_cursor ? (
        <Text size="xs" c="dimmed">
          Showing the first {pageSize} matches; type more of the name to narrow them.
        </Text>
      ) : null}
    </Stack>
  );
}
