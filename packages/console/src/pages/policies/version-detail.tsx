/**
 * One stored version: its facts, its files read-only, what changed against the version in force,
 * and the impact analysis that leads to activating it. Those who may edit can start a draft
 * from it.
 */
import { useState } from 'react';
import { Badge, Button, Group, Select, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { Can } from '../../auth/session.tsx';
import { CodeEditor } from '../../components/editor/code-editor.tsx';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { DiffView } from './diff-view.tsx';
import { draftOf, languageOf } from './draft.ts';
import { ImpactPanel } from './impact-panel.tsx';
import { useBundle } from './queries.ts';
import { shortDigest, when, who } from './format.ts';
import type { BundleDetail } from './types.ts';
import { Fact } from '../../components/fact.tsx';

function Files({ bundle }: { bundle: BundleDetail }) {
  const files = draftOf(bundle).files;
  const [path, setPath] = useState<string | null>(files[0]?.path ?? null);
  const file = files.find((f) => f.path === path) ?? files[0];
  if (!file) return <Text size="sm">This version holds no files.</Text>;
  return (
    <Stack gap="xs">
      <Select label="File" data={files.map((f) => ({ value: f.path, label: `${f.path}${f.kind === 'data' ? ' (data)' : ''}` }))} value={file.path} onChange={setPath} allowDeselect={false} w={{ base: '100%', sm: 420 }} searchable />
      <CodeEditor key={`${bundle.version}:${file.path}`} value={file.text} language={languageOf(file.path)} label={`${file.path} in version ${bundle.version} (read only)`} readOnly maxHeight={520} />
    </Stack>
  );
}

export function VersionDetail({ version, activeVersion, onEdit }: { version: number; activeVersion: number | null; onEdit: (bundle: BundleDetail) => void }) {
  const bundle = useBundle(version);
  if (bundle.isPending) return <Loading what={`version ${version}`} />;
  if (bundle.isError) return <ProblemAlert error={bundle.error} title={`Version ${version} could not be read`} onRetry={() => void bundle.refetch()} />;
  const b = bundle.data;
  const isActive = b.version === activeVersion;
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Title order={3}>Version {b.version}</Title>
          {isActive ? <Badge color="teal">active</Badge> : <Badge color="gray" variant="light">not active</Badge>}
        </Group>
        <Can permission={['policy:write', 'policy:eval']}>
          <Button variant="light" onClick={() => onEdit(b)}>
            Edit a copy in the editor
          </Button>
        </Can>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
        <Fact label="Stored">
          {when(b.created_at)} by {who(b.created_by)}
        </Fact>
        <Fact label="Message">{b.message ?? 'none'}</Fact>
        <Fact label="Contents">
          {b.module_count} modules, {Object.keys(b.data).length} data files, {b.test_count} tests passed, {(b.size_bytes / 1024).toFixed(1)} KiB
        </Fact>
        <Fact label="Syntax and digest">
          Rego {b.rego_version}
          {b.v0_modules.length > 0 ? ` (v0: ${b.v0_modules.join(', ')})` : ''}, sha256 {shortDigest(b.digest)}…
        </Fact>
      </SimpleGrid>
      <Tabs defaultValue="files" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="files">Files</Tabs.Tab>
          {!isActive && activeVersion !== null ? <Tabs.Tab value="changes">Changes against the active version</Tabs.Tab> : null}
          {!isActive ? <Tabs.Tab value="impact">Impact and activation</Tabs.Tab> : null}
        </Tabs.List>
        <Tabs.Panel value="files" pt="sm">
          <Files bundle={b} />
        </Tabs.Panel>
        {!isActive && activeVersion !== null ? (
          <Tabs.Panel value="changes" pt="sm">
            <DiffView version={b.version} against={activeVersion} />
          </Tabs.Panel>
        ) : null}
        {!isActive ? (
          <Tabs.Panel value="impact" pt="sm">
            <ImpactPanel version={b.version} activeVersion={activeVersion} />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </Stack>
  );
}
