/**
 * The catalog's filters as they live in the address bar, so a filtered, searched list is a link
 * a person can share: reading them from the query string, and the API query they become.
 */
import type { Query } from '../../api/client.ts';
import { appStatuses, classifications, riskTiers, type AppListQuery, type AppStatus, type Classification, type RiskTier } from '../app/types.ts';

export interface CatalogFilters {
  q: string;
  status: AppStatus | null;
  classification: Classification | null;
  risk: RiskTier | null;
  team: string;
  owner: string;
  connector: string;
  /** The list's order; not a filter: clearing the filters keeps it. */
  sort: CatalogSort;
}

/** The API's sort keys (`-` first: descending); ties always go by name, A to Z. */
export const catalogSorts = ['name', '-name', '-updated_at', 'updated_at', '-created_at', 'created_at', '-risk_score', 'risk_score'] as const satisfies readonly NonNullable<AppListQuery['sort']>[];
export type CatalogSort = (typeof catalogSorts)[number];

/** How each order reads in the sort menu and in the list's caption. */
export const sortLabels: Record<CatalogSort, string> = {
  name: 'Name, A to Z',
  '-name': 'Name, Z to A',
  '-updated_at': 'Recently changed first',
  updated_at: 'Least recently changed first',
  '-created_at': 'Newest registration first',
  created_at: 'Oldest registration first',
  '-risk_score': 'Highest risk first',
  risk_score: 'Lowest risk first',
};

/** The query-string keys, also the API's parameter names. */
export const filterKeys = ['q', 'status', 'classification', 'risk', 'team', 'owner', 'connector'] as const;
export type FilterKey = (typeof filterKeys)[number];

function oneOf<T extends string>(values: readonly T[], v: string | null): T | null {
  return v !== null && (values as readonly string[]).includes(v) ? (v as T) : null;
}

/** A hand-edited address with an unknown status is ignored rather than sent (the API would refuse it). */
export function filtersFrom(params: URLSearchParams): CatalogFilters {
  return {
    q: params.get('q') ?? '',
    status: oneOf(appStatuses, params.get('status')),
    classification: oneOf(classifications, params.get('classification')),
    risk: oneOf(riskTiers, params.get('risk')),
    team: params.get('team') ?? '',
    owner: params.get('owner') ?? '',
    connector: params.get('connector') ?? '',
    sort: oneOf(catalogSorts, params.get('sort')) ?? 'name',
  };
}

/** The API's query: empty values are left out (apiUrl drops them) and text is trimmed. */
export function apiQuery(f: CatalogFilters): Query {
  return {
    q: f.q.trim(),
    status: f.status,
    classification: f.classification,
    risk: f.risk,
    team: f.team.trim(),
    owner: f.owner.trim(),
    connector: f.connector.trim(),
    // Name order is the API's default: left out, so the plain list's address stays short.
    sort: f.sort === 'name' ? null : f.sort,
  };
}

export function isFiltered(f: CatalogFilters): boolean {
  return filterKeys.some((k) => Boolean(f[k]));
}
