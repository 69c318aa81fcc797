/**
 * The explorer's filters as a form: who acted, which app, the event's class, what action, the
 * outcome and a time window. Nothing is asked of the server until "Apply"; the applied filters go to the address.
 */
import { useState, type FormEvent } from 'react';
import { Autocomplete, Button, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { fromLocalInput, toLocalInput, actionGroups, eventClasses, noFilters, type AuditFilters } from './filters.ts';

const classOptions = [{ value: '', label: 'Any class' }, ...eventClasses.map((c) => ({ value: String(c.uid), label: `${c.name} (${c.uid})` }))];

export function FilterForm({ applied, onApply }: { applied: AuditFilters; onApply: (f: AuditFilters) => void }) {
  // The draft starts from the applied filters; the page remounts this form when they change from outside (a link).
  const [draft, setDraft] = useState(applied);
  const set = <K extends keyof AuditFilters>(k: K, v: AuditFilters[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  const badWindow = draft.since && draft.until && draft.since > draft.until ? 'Must be after "From"' : null;
  return (
    <form onSubmit={submit} aria-label="Filter events">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
        <TextInput label="Actor" description="A token, person or service id" placeholder="tok_… or user:ana@example.com" value={draft.actor} onChange={(e) => set('actor', e.currentTarget.value)} />
        <TextInput label="App" description="Its events, gateway calls too" placeholder="leave-requests" value={draft.app} onChange={(e) => set('app', e.currentTarget.value)} />
        <Select label="Event class" description="The OCSF class of the event" data={classOptions} value={draft.classUid} onChange={(v) => set('classUid', v ?? '')} allowDeselect={false} />
        <Autocomplete label="Action" description="Exact action; pick one or type it" placeholder="policy.decision" data={actionGroups} value={draft.action} onChange={(v) => set('action', v)} limit={60} maxDropdownHeight={320} />
        <Select
          label="Outcome"
          description="Whether it succeeded or was refused"
          data={[
            { value: '', label: 'Any outcome' },
            { value: 'success', label: 'Success' },
            { value: 'failure', label: 'Failure or refusal' },
          ]}
          value={draft.outcome}
          onChange={(v) => set('outcome', v === 'success' || v === 'failure' ? v : '')}
          allowDeselect={false}
        />
        <TextInput type="datetime-local" label="From" description="Your local time" value={toLocalInput(draft.since)} onChange={(e) => set('since', fromLocalInput(e.currentTarget.value))} />
        <TextInput type="datetime-local" label="Until" description="Your local time" value={toLocalInput(draft.until)} onChange={(e) => set('until', fromLocalInput(e.currentTarget.value))} error={badWindow} />
      </SimpleGrid>
      <Group mt="sm" gap="xs">
        <Button type="submit" disabled={Boolean(badWindow)}>
          Apply filters
        </Button>
        <Button
          variant="default"
          onClick={() => {
            setDraft(noFilters);
            onApply(noFilters);
          }}
        >
          Clear
        </Button>
      </Group>
    </form>
  );
}
