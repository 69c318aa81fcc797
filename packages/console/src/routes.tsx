/**
 * Every page of the console, in one list: its path, its name in the navigation, the permissions
 * any one of which shows it, and its module, loaded only when the page is opened (each page is
 * its own chunk). The navigation and the router both read this list.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import {
  IconAlertOctagon,
  IconBook2,
  IconDatabase,
  IconGauge,
  IconLayoutGrid,
  IconListCheck,
  IconPlus,
  IconShieldLock,
  IconScale,
} from '@tabler/icons-react';

export interface PageDef {
  path: string;
  label?: string;
  icon?: ComponentType<{ size?: number; stroke?: number }>;
  /** Any one of these shows the page; none means every signed-in person. */
  permissions: readonly string[];
  Component: LazyExoticComponent<ComponentType>;
}

export const pages: readonly PageDef[] = [
  { path: '/', label: 'Dashboard', icon: IconGauge, permissions: ['apps:read'], Component: lazy(() => import('./pages/dashboard/index.tsx')) },
  { path: '/apps', label: 'Catalog', icon: IconLayoutGrid, permissions: ['apps:read'], Component: lazy(() => import('./pages/catalog/index.tsx')) },
  { path: '/apps/:name', permissions: ['apps:read'], Component: lazy(() => import('./pages/app/index.tsx')) },
  { path: '/register', label: 'Register an app', icon: IconPlus, permissions: ['apps:write'], Component: lazy(() => import('./pages/register/index.tsx')) },
  { path: '/reviews', label: 'Review queue', icon: IconListCheck, permissions: ['reviews:read'], Component: lazy(() => import('./pages/reviews/index.tsx')) },
  { path: '/policies', label: 'Policies', icon: IconScale, permissions: ['policy:read', 'policy:eval'], Component: lazy(() => import('./pages/policies/index.tsx')) },
  { path: '/data-protection', label: 'Data protection', icon: IconShieldLock, permissions: ['dlp:scan', 'dlp:read'], Component: lazy(() => import('./pages/data-protection/index.tsx')) },
  { path: '/connectors', label: 'Connectors & secrets', icon: IconDatabase, permissions: ['connectors:read', 'secrets:read', 'leases:read'], Component: lazy(() => import('./pages/connectors/index.tsx')) },
  { path: '/audit', label: 'Audit', icon: IconBook2, permissions: ['audit:read'], Component: lazy(() => import('./pages/audit/index.tsx')) },
  { path: '/kill-switch', label: 'Kill switch', icon: IconAlertOctagon, permissions: ['apps:review'], Component: lazy(() => import('./pages/kill-switch/index.tsx')) },
];
