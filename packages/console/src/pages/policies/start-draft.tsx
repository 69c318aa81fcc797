/**
 * The editor's first step when there is no draft yet: the active version is loaded and becomes
 * the draft, so editing always starts from what is in force (another version can be opened from
 * the version list with "Edit a copy").
 */
import { useEffect } from 'react';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { draftOf, type Draft } from './draft.ts';
import { useActiveState, useBundle } from './queries.ts';

export function StartDraft({ onStart }: { onStart: (draft: Draft) => void }) {
  const active = useActiveState();
  const version = active.data?.active?.version ?? null;
  const bundle = useBundle(version);
  useEffect(() => {
    if (bundle.data) onStart(draftOf(bundle.data));
  }, [bundle.data, onStart]);
  if (active.isError) return <ProblemAlert error={active.error} title="The active bundle could not be read" onRetry={() => void active.refetch()} />;
  if (bundle.isError) return <ProblemAlert error={bundle.error} title={`Version ${version ?? ''} could not be read`} onRetry={() => void bundle.refetch()} />;
  if (active.data && version === null) {
    return (
      <Empty title="No bundle is active, so there is nothing to start from">
        Open a stored version from the Versions tab and choose “Edit a copy in the editor”, or push one with `trellis policy push policies/`.
      </Empty>
    );
  }
  return <Loading what="the active bundle for editing" />;
}
