/**
 * Choosing a catalog app for the playground: searched on the server by name and title, a page
 * at a time (the catalog may hold 100,000 apps).
 */
import { useState } from 'react';
import { Loader, Select, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { ProblemAlert } from '../../components/states.tsx';

interface AppPage {
  items: { name: string; title: string | null; status: string }[];
  next_cursor: string | null;
}

const pageSize = 20;

export function AppSearch({ value, onChange }: { value: string | null; onChange: (name: string | null) => void }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  // Once an app is chosen the box shows its label; that text is not a new search.
  const query = value && search.startsWith(value) ? '' : q;
  const apps = useQuery({
    queryKey: ['policy', 'playground-apps', query],
    queryFn: () => api<AppPage>('/api/v1/apps', { query: { q: query || undefined, limit: pageSize } }),
    placeholderData: keepPreviousData,
  });
  const data = (apps.data?.items ?? []).map((a) => ({ value: a.name, label: `${a.name}${a.title ? ` — ${a.title}` : ''} (${a.status.replace(/_/g, ' ')})` }));
  if (value && !data.some((d) => d.value === value)) data.unshift({ value, label: value });
  return (
    <>
      <Select
        label="App"
        description="Its decision inputs are built from the catalog as governance builds them"
        placeholder="Search by name or title"
        searchable
        clearable
        data={data}
        value={value}
        onChange={onChange}
        searchValue={search}
        onSearchChange={setSearch}
        // The server already matched the words; a second filter here would hide matches on the title.
        filter={({ options }) => options}
        nothingFoundMessage={apps.isFetching ? 'Searching…' : 'No app matches; check the spelling, or paste an input instead.'}
        rightSection={apps.isFetching ? <Loader size="xs" aria-label="Searching" /> : undefined}
        w={{ base: '100%', sm: 460 }}
      />
      {apps.isError ? <ProblemAlert error={apps.error} title="The apps could not be listed" onRetry={() => void apps.refetch()} /> : null}
      {apps.data?.next_cursor ? (
        <Text size="xs" c="dimmed">
          Showing the first {pageSize} matches; type more of the name to narrow them.
        </Text>
      ) : null}
    </>
  );
}
