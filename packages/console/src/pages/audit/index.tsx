/**
 * The audit explorer (`/audit`): search the tamper-evident trail by actor, app, action, outcome
 * and time (filters in the address, so a link shares the view), open an event with its inclusion
 * proof, export the trail, and see and check its integrity — checkpoints, witnesses, "Verify chain".
 */
import { Card, Stack, Tabs, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header.tsx';
import { ChainStatus, Witnesses } from './chain-status.tsx';
import { EventsView } from './events-view.tsx';
import { ExportButton } from './export-button.tsx';
import { FilterForm } from './filter-form.tsx';
import { filtersFrom, noFilters, withFilters, type AuditFilters } from './filters.ts';

export default function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const tab = params.get('tab') === 'integrity' ? 'integrity' : 'events';
  const apply = (f: AuditFilters) => setParams(withFilters(params, f));
  const setTab = (t: string | null) => {
    const next = new URLSearchParams(params);
    if (t === 'integrity') next.set('tab', t);
    else next.delete('tab');
    setParams(next);
  };
  return (
    <>
      <PageHeader title="Audit" description="Everything Trellis did, in a hash chain anchored by signed checkpoints." actions={<ExportButton />} />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="events">Events</Tabs.Tab>
          <Tabs.Tab value="integrity">Integrity</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="events">
          <Stack gap="md">
            <Card withBorder padding="sm">
              {/* Remounted when the address changes (a link, Back), so the form shows what is applied. */}
              <FilterForm key={withFilters(new URLSearchParams(), filters).toString()} applied={filters} onApply={apply} />
            </Card>
            <EventsView filters={filters} onClear={() => apply(noFilters)} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="integrity">
          <Stack gap="md">
            <Card withBorder padding="md" component="section" aria-labelledby="audit-chain-title">
              <Title order={3} size="h4" id="audit-chain-title" mb="sm">
                Chain and checkpoints
              </Title>
              <ChainStatus withWitnesses={false} />
            </Card>
            <Card withBorder padding="md" component="section" aria-labelledby="audit-witnesses-title">
              <Title order={3} size="h4" id="audit-witnesses-title" mb="sm">
                Witnesses
              </Title>
              <Witnesses />
            </Card>
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
