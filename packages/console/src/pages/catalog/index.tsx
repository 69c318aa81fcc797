/**
 * The catalog (/apps): every app, searched and filtered on the server, read a page at a time
 * as the reader scrolls. The search and filters are in the address, so a view can be shared;
 * a row opens the app's page.
 */
import { useCallback, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, Group, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { OnChangeFn, SortingState } from '@tanstack/react-table';
import { PageHeader } from '../../components/page-header.tsx';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { VirtualTable } from '../../components/virtual-table.tsx';
import { Can } from '../../auth/session.tsx';
import { seg } from '../../api/client.ts';
import type { AppSummary } from '../app/types.ts';
import { filterKeys, filtersFrom, isFiltered, sortLabels, type CatalogSort, type FilterKey } from './catalog-filters.ts';
import { FilterBar } from './filter-bar.tsx';
import { catalogColumns, sortFromTable, tableSorting } from './columns.tsx';
import { useCatalog } from './use-catalog.ts';

export default function CatalogPage() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const navigate = useNavigate();
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const columns = useMemo(() => catalogColumns(phone), [phone]);
  const list = useCatalog(filters);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  const setFilter = useCallback(
    (key: FilterKey, value: string) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value.trim()) next.set(key, value);
          else next.delete(key);
          return next;
        },
        // Typing is not a place to go back to.
        { replace: key === 'q' || key === 'team' || key === 'owner' || key === 'connector' },
      ),
    [setParams],
  );
  // A new order is a new view: worth a step back, unlike typing.
  const setSort = useCallback(
    (sort: CatalogSort) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        if (sort === 'name') next.delete('sort');
        else next.set('sort', sort);
        return next;
      }),
    [setParams],
  );
  const sorting = useMemo(() => tableSorting(filters.sort), [filters.sort]);
  const onSortingChange = useCallback<OnChangeFn<SortingState>>((update) => setSort(sortFromTable(typeof update === 'function' ? update(sorting) : update)), [setSort, sorting]);
  const clear = useCallback(() => setParams((prev) => {
    const next = new URLSearchParams(prev);
    for (const k of filterKeys) next.delete(k);
    return next;
  }), [setParams]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <>
      <PageHeader
        title="Catalog"
        description="Every registered micro-app: who owns it, what data it touches and where it stands."
        actions={
          <Can permission="apps:write">
            <Button onClick={() => void navigate('/register')}>Register an app</Button>
          </Can>
        }
      />
      <FilterBar filters={filters} onChange={setFilter} onSort={setSort} onClear={clear} />
      {list.isPending ? (
        <Loading what="apps" />
      ) : list.isError && rows.length === 0 ? (
        <ProblemAlert error={list.error} title="The catalog could not be loaded" onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        isFiltered(filters) ? (
          <Empty title="No app matches" action={<Button variant="default" onClick={clear}>Clear search and filters</Button>}>
            Search matches the start of words in an app's name, title or description; team, owner and connector must match exactly.
          </Empty>
        ) : (
          <Empty title="No apps registered yet">Register the first one from its trellis.yaml, or import a Backstage catalog with the CLI.</Empty>
        )
      ) : (
        <>
          <Group justify="space-between" mb={4}>
            <Text size="sm" c="dimmed" aria-live="polite">
              {rows.length.toLocaleString()} app{rows.length === 1 ? '' : 's'} shown{hasNextPage ? ', more as you scroll' : ''}; order: {sortLabels[filters.sort]}
            </Text>
          </Group>
          <VirtualTable<AppSummary>
            data={rows}
            columns={columns}
            label="Apps"
            rowKey={(a) => a.name}
            onRowClick={(a) => void navigate(`/apps/${seg(a.name)}`)}
            onEndReached={loadMore}
            loadingMore={isFetchingNextPage}
            sorting={sorting}
            onSortingChange={onSortingChange}
            rowHeight={phone ? 56 : 52}
            footer={list.isFetchNextPageError ? <ProblemAlert error={list.error} title="The next page could not be loaded" onRetry={loadMore} /> : null}
          />
        </>
      )}
    </>
  );
}
