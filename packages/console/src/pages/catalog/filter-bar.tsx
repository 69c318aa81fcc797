/**
 * The catalog's search box and filters. Each one the API supports (docs/catalog-search.md) is
 * here, and all of them live in the address bar: the list a person sees is the link they share.
 */
import { Button, Group, NativeSelect, SimpleGrid, Stack } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { appStatuses, classifications, riskTiers } from '../app/types.ts';
import { words } from '../../components/badges.tsx';
import { isFiltered, type CatalogFilters, type FilterKey } from './catalog-filters.ts';
import { DebouncedInput } from './debounced-input.tsx';

function options(values: readonly string[]) {
  return [{ value: '', label: 'Any' }, ...values.map((v) => ({ value: v, label: words(v) }))];
}

export function FilterBar({ filters, onChange, onClear }: { filters: CatalogFilters; onChange: (key: FilterKey, value: string) => void; onClear: () => void }) {
  return (
    <Stack gap="xs" mb="md">
      <DebouncedInput label="Search apps" type="search" placeholder="Name, title or description" value={filters.q} onCommit={(v) => onChange('q', v)} leftSection={<IconSearch size={16} aria-hidden />} />
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="xs">
        <NativeSelect label="Status" data={options(appStatuses)} value={filters.status ?? ''} onChange={(e) => onChange('status', e.currentTarget.value)} />
        <NativeSelect label="Classification" data={options(classifications)} value={filters.classification ?? ''} onChange={(e) => onChange('classification', e.currentTarget.value)} />
        <NativeSelect label="Risk tier" data={options(riskTiers)} value={filters.risk ?? ''} onChange={(e) => onChange('risk', e.currentTarget.value)} />
        <DebouncedInput label="Team" placeholder="Exact team name" value={filters.team} onCommit={(v) => onChange('team', v)} />
        <DebouncedInput label="Owner" placeholder="user:jane@example.com" value={filters.owner} onCommit={(v) => onChange('owner', v)} />
        <DebouncedInput label="Connector" placeholder="Connector name" value={filters.connector} onCommit={(v) => onChange('connector', v)} />
      </SimpleGrid>
      {isFiltered(filters) ? (
        <Group>
          <Button variant="subtle" size="xs" onClick={onClear}>
            Clear search and filters
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
