/**
 * The policies page: the bundle in force, every stored version with its files, its changes
 * against the active one and the impact analysis that precedes activation; the editor that
 * tests a draft and saves it as a new version; and the playground. Each part appears only for
 * the permissions it needs (policy:read to see versions, policy:write to save, policy:activate
 * to activate and roll back, policy:eval for test runs and the playground).
 */
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Stack, Tabs } from '@mantine/core';
import { useSession } from '../../auth/session.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ActiveCard } from './active-card.tsx';
import { draftOf, type Draft } from './draft.ts';
import { EditorPanel } from './editor-panel.tsx';
import { PlaygroundPanel } from './playground-panel.tsx';
import { useActiveState, useBundle } from './queries.ts';
import { StartDraft } from './start-draft.tsx';
import { VersionDetail } from './version-detail.tsx';
import { VersionsPanel } from './versions-panel.tsx';
import type { BundleDetail } from './types.ts';

type Tab = 'versions' | 'editor' | 'playground';

function VersionsTab({ selected, onSelect, onEdit }: { selected: number | null; onSelect: (v: number) => void; onEdit: (b: BundleDetail) => void }) {
  const active = useActiveState();
  const activeVersion = active.data?.active?.version ?? null;
  const shown = selected ?? activeVersion;
  return (
    <Stack gap="xl">
      <VersionsPanel selected={shown} onSelect={onSelect} />
      {shown !== null && active.data ? <VersionDetail key={shown} version={shown} activeVersion={activeVersion} onEdit={onEdit} /> : null}
    </Stack>
  );
}

export default function PoliciesPage() {
  const { may } = useSession();
  const canRead = may('policy:read');
  const canEval = may('policy:eval');
  const canEdit = canRead && (may('policy:write') || canEval);
  const tabs: Tab[] = [...(canRead ? (['versions'] as const) : []), ...(canEdit ? (['editor'] as const) : []), ...(canEval ? (['playground'] as const) : [])];
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab') as Tab | null;
  const tab: Tab | undefined = asked && tabs.includes(asked) ? asked : tabs[0];
  const [selected, setSelected] = useState<number | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const base = useBundle(draft?.base ?? null);

  const go = useCallback((next: Tab) => setParams((p) => ({ ...Object.fromEntries(p), tab: next }), { replace: true }), [setParams]);
  const startDraft = useCallback((d: Draft) => setDraft((current) => current ?? d), []);

  return (
    <Stack gap="md">
      <PageHeader title="Policies" description="The Rego bundles Trellis decides with: versions, edits and their tests, impact before activation, and a playground." />
      {canRead ? <ActiveCard /> : null}
      <Tabs value={tab ?? null} onChange={(v) => v && go(v as Tab)} keepMounted={false}>
        <Tabs.List>
          {tabs.includes('versions') ? <Tabs.Tab value="versions">Versions</Tabs.Tab> : null}
          {tabs.includes('editor') ? <Tabs.Tab value="editor">Editor</Tabs.Tab> : null}
          {tabs.includes('playground') ? <Tabs.Tab value="playground">Playground</Tabs.Tab> : null}
        </Tabs.List>
        <Tabs.Panel value="versions" pt="md">
          <VersionsTab
            selected={selected}
            onSelect={setSelected}
            onEdit={(b) => {
              setDraft(draftOf(b));
              go('editor');
            }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="editor" pt="md">
          {draft ? (
            <EditorPanel
              draft={draft}
              onChange={setDraft}
              base={base.data}
              onReset={() => base.data && setDraft(draftOf(base.data))}
              onSaved={(version) => setDraft((d) => (d ? { ...d, base: version } : d))}
              onOpenVersion={(version) => {
                setSelected(version);
                go('versions');
              }}
              onTryInPlayground={() => go('playground')}
            />
          ) : (
            <StartDraft onStart={startDraft} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="playground" pt="md">
          <PlaygroundPanel draft={draft} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
