/**
 * The catalog list as pages from the server: the cursor of one page asks for the next, so a
 * catalog of 100,000 apps opens as fast as one of ten, and rows arrive as the reader scrolls.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { AppList } from '../app/types.ts';
import { apiQuery, type CatalogFilters } from './catalog-filters.ts';

/** A page fills a tall screen twice over, so scrolling seldom waits. */
export const pageSize = 100;

export function useCatalog(filters: CatalogFilters) {
  const query = apiQuery(filters);
  return useInfiniteQuery({
    queryKey: ['apps', 'list', query],
    queryFn: ({ pageParam, signal }) => api<AppList>('/api/v1/apps', { query: { ...query, limit: pageSize, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
