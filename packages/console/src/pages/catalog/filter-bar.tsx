/**
 * The catalog's search box and filters. Each one the API supports (docs/catalog-search.md) is
 * here, and all of them live in the address bar: the list a person sees is the link they share.
 */
import { Box, Button, Group, NativeSelect, SimpleGrid, Stack } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { appStatuses, classifications, riskTiers } from '../app/types.ts';
import { words } from '../../components/badges.tsx';
import { catalogSorts, isFiltered, sortLabels, type CatalogFilters, type CatalogSort, type FilterKey } from './catalog-filters.ts';
import { DebouncedInput } from './debounced-input.tsx';

function options(values: readonly string[]) {
  return [{ value: '', label: 'Any' }, ...values.map((v) => ({ value: v, label: words(v) }))];
}

const sortOptions = catalogSorts.map((value) => ({ value, label: sortLabels[value] }));

export function FilterBar({ filters, onChange, onSort, onClear }: { filters: CatalogFilters; onChange: (key: FilterKey, value: string) => void; onSort: (sort: CatalogSort) => void; onClear: () => void }) {
  return (
    <Stack gap="xs" mb="md">
      <Group align="flex-end" gap="xs" wrap="wrap">
        <Box style={{ flex: '1 1 16rem' }}>
          <DebouncedInput label="Search apps" type="search" placeholder="Name, title or description" value={filters.q} onCommit={(v) => onChange('q', v)} leftSection={<IconSearch size={16} aria-hidden />} />
        </Box>
        {/* On a phone the risk and date columns are hidden, so their order is chosen here. */}
        <NativeSelect style={{ flex: '0 1 15rem' }} label="Sort by" data={sortOptions} value={filters.sort} onChange={(e) => onSort(e.currentTarget.value as CatalogSort)} />
      </Group>
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
