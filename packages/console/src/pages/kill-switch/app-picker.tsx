/**
 * Choosing the app to stop (or to reinstate): apps in force or suspended ones, found with the
 * console's app search.
 */
import { Group, SegmentedControl } from '@mantine/core';
import { AppSearch } from '../../components/app-search.tsx';

export type PickStatus = 'approved' | 'suspended';

export function AppPicker({ status, onStatus, value, onChange }: { status: PickStatus; onStatus: (s: PickStatus) => void; value: string | null; onChange: (name: string | null) => void }) {
  const none = status === 'approved' ? 'No app in force matches. Check the spelling, or look among suspended apps.' : 'No suspended app matches. Check the spelling, or look among apps in force.';
  return (
    <Group gap="sm" wrap="wrap" align="flex-end">
      <SegmentedControl
        aria-label="Which apps to search"
        value={status}
        // The page clears the chosen app with the list in one change of the address.
        onChange={(v) => onStatus(v as PickStatus)}
        data={[
          { value: 'approved', label: 'In force' },
          { value: 'suspended', label: 'Suspended' },
        ]}
      />
      {/* A new list starts with an empty search box. */}
      <AppSearch key={status} label={status === 'approved' ? 'App in force' : 'Suspended app'} status={status} nothingFound={none} value={value} onChange={onChange} />
    </Group>
  );
}
