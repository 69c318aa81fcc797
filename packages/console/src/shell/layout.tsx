/**
 * The frame around every page once signed in: the navigation (only the pages the caller's role
 * may open), who is signed in, the colour scheme and sign-out. Pages render in the main area,
 * inside a boundary that turns a page's crash into a message instead of a blank screen.
 */
import { Suspense } from 'react';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { ActionIcon, AppShell, Badge, Burger, Group, NavLink, Text, Title, Tooltip, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconLogout, IconMoon, IconSun } from '@tabler/icons-react';
import { pages } from '../routes.tsx';
import { useSession } from '../auth/session.tsx';
import { Loading } from '../components/states.tsx';
import { PageErrorBoundary } from '../components/error-boundary.tsx';

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { me, mayAny, signOut } = useSession();
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();
  const location = useLocation();
  const nav = pages.filter((p) => p.label && (p.permissions.length === 0 || mayAny(p.permissions)));

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Open the navigation" />
            <Title order={1} size="h3">
              Trellis
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs" data-testid="who">
              {me?.subject ?? me?.name}
            </Text>
            <Badge variant="light" aria-label={`role ${me?.role ?? ''}`}>
              {me?.role}
            </Badge>
            <Tooltip label={colorScheme === 'dark' ? 'Light colours' : 'Dark colours'}>
              <ActionIcon variant="subtle" onClick={toggleColorScheme} aria-label="Switch light or dark colours">
                {colorScheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
              </ActionIcon>
            </Tooltip>
            <Tooltip label="Sign out">
              <ActionIcon variant="subtle" onClick={() => void signOut()} aria-label="Sign out">
                <IconLogout size={18} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Pages">
        {nav.map((p) => {
          const Icon = p.icon;
          const active = p.path === '/' ? location.pathname === '/' : location.pathname.startsWith(p.path);
          return <NavLink key={p.path} component={RouterNavLink} to={p.path} label={p.label} active={active} leftSection={Icon ? <Icon size={18} stroke={1.6} /> : null} onClick={close} />;
        })}
      </AppShell.Navbar>
      <AppShell.Main>
        <PageErrorBoundary key={location.pathname}>
          <Suspense fallback={<Loading what="the page" />}>
            <Outlet />
          </Suspense>
        </PageErrorBoundary>
      </AppShell.Main>
    </AppShell>
  );
}
