/**
 * Connectors & secrets: the data sources apps bind and their field catalogs (connectors:read),
 * the secret store's metadata (secrets:read), dynamic database credentials (leases:read) and
 * the master key's status (keys:read). Each tab is there only for roles that may read it; the
 * open tab and any open item are in the address (?tab=, ?connector=, ?secret=).
 */
import { Box, Tabs } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header.tsx';
import { useSession } from '../../auth/session.tsx';
import { scopeClass } from './overlay.ts';
import { ConnectorsTab } from './connectors-tab.tsx';
import { SecretsTab } from './secrets-tab.tsx';
import { LeasesTab } from './leases-tab.tsx';
import { KeysTab } from './keys-tab.tsx';

const allTabs = [
  { value: 'connectors', label: 'Connectors', permission: 'connectors:read', Panel: ConnectorsTab },
  { value: 'secrets', label: 'Secrets', permission: 'secrets:read', Panel: SecretsTab },
  { value: 'leases', label: 'Leases', permission: 'leases:read', Panel: LeasesTab },
  { value: 'keys', label: 'Master key', permission: 'keys:read', Panel: KeysTab },
] as const;

export default function ConnectorsPage() {
  const { may } = useSession();
  const [params, setParams] = useSearchParams();
  const tabs = allTabs.filter((t) => may(t.permission));
  const active = tabs.find((t) => t.value === params.get('tab'))?.value ?? tabs[0]?.value ?? null;

  return (
    <Box className={scopeClass}>
      <PageHeader title="Connectors & secrets" description="The databases and APIs apps bind, with the data tags of every field; the secrets they connect with; and the short-lived database credentials apps hold." />
      {/* Switching tabs drops the open item: ?connector= means nothing on the Secrets tab. */}
      <Tabs value={active} onChange={(v) => v && setParams({ tab: v })} keepMounted={false}>
        <Tabs.List mb="md">
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map(({ value, Panel }) => (
          <Tabs.Panel key={value} value={value}>
            <Panel />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Box>
  );
}
