/**
 * A page's tabs with the open one in the address (?tab=), so a link or a reload opens the same
 * tab. A tab the role may not read is absent, not disabled; an unknown ?tab= opens the first.
 * Switching tabs drops the rest of the query: an item open on one tab means nothing on another.
 */
import type { ComponentType } from 'react';
import { Tabs } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useSession } from '../auth/session.tsx';

export interface AddressTab {
  value: string;
  label: string;
  permission: string;
  Panel: ComponentType;
}

export function AddressTabs({ tabs, replace = false }: { tabs: readonly AddressTab[]; replace?: boolean }) {
  const { may } = useSession();
  const [params, setParams] = useSearchParams();
  const shown = tabs.filter((t) => may(t.permission));
  const active = shown.find((t) => t.value === params.get('tab'))?.value ?? shown[0]?.value ?? null;
  return (
    <Tabs value={active} onChange={(v) => v && setParams({ tab: v }, { replace })} keepMounted={false}>
      <Tabs.List mb="md">
        {shown.map((t) => (
          <Tabs.Tab key={t.value} value={t.value}>
            {t.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {shown.map(({ value, Panel }) => (
        <Tabs.Panel key={value} value={value}>
          <Panel />
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}
