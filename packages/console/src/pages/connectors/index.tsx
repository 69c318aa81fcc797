/**
 * Connectors & secrets: the data sources apps bind and their field catalogs (connectors:read),
 * the secret store's metadata (secrets:read), dynamic database credentials (leases:read) and
 * the master key's status (keys:read). Each tab is there only for roles that may read it; the
 * open tab and any open item are in the address (?tab=, ?connector=, ?secret=).
 */
import { Box } from '@mantine/core';
import { PageHeader } from '../../components/page-header.tsx';
import { AddressTabs, type AddressTab } from '../../components/address-tabs.tsx';
import { readableErrors } from '../../components/readable-errors.ts';
import { ConnectorsTab } from './connectors-tab.tsx';
import { SecretsTab } from './secrets-tab.tsx';
import { LeasesTab } from './leases-tab.tsx';
import { KeysTab } from './keys-tab.tsx';

const tabs = [
  { value: 'connectors', label: 'Connectors', permission: 'connectors:read', Panel: ConnectorsTab },
  { value: 'secrets', label: 'Secrets', permission: 'secrets:read', Panel: SecretsTab },
  { value: 'leases', label: 'Leases', permission: 'leases:read', Panel: LeasesTab },
  { value: 'keys', label: 'Master key', permission: 'keys:read', Panel: KeysTab },
] satisfies AddressTab[];

export default function ConnectorsPage() {
  return (
    <Box className={readableErrors}>
      <PageHeader title="Connectors & secrets" description="The databases and APIs apps bind, with the data tags of every field; the secrets they connect with; and the short-lived database credentials apps hold." />
      <AddressTabs tabs={tabs} />
    </Box>
  );
}
