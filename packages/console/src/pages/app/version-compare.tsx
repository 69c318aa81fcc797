/**
 * Compare any two versions of the manifest: the structured change list from the server
 * (GET …/diff, JSON Pointer paths) and the two versions as YAML side by side.
 */
import { useState } from 'react';
import { Badge, Code, Group, List, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { Loading, ProblemAlert } from '../../components/states.tsx';
import { ManifestMergeView } from './merge-view.tsx';
import { useDiff, useVersion } from './queries.ts';
import { toYaml } from '../../components/yaml/to-yaml.ts';
import type { AppVersionSummary, DiffEntry } from './types.ts';

/** Short, one-line form of a value in the change list (a whole object would flood it). */
function brief(v: unknown): string {
  const s = JSON.stringify(v) ?? 'nothing';
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

const opLabel = { add: 'added', remove: 'removed', change: 'changed' } as const;
const opColor = { add: 'teal', remove: 'red', change: 'blue' } as const;

function ChangeList({ entries }: { entries: DiffEntry[] }) {
  return (
    <List spacing={4} size="sm" listStyleType="none" aria-label="Changes between the versions">
      {entries.map((e) => (
        <List.Item key={`${e.op}${e.path}`}>
          <Group gap={6} wrap="wrap">
            <Badge size="sm" variant="dot" color={opColor[e.op]} tt="none">
              {opLabel[e.op]}
            </Badge>
            <Code>{e.path || '/'}</Code>
            <Text size="xs" c="dimmed" span>
              {e.op === 'add' ? brief(e.to) : e.op === 'remove' ? brief(e.from) : `${brief(e.from)} → ${brief(e.to)}`}
            </Text>
          </Group>
        </List.Item>
      ))}
    </List>
  );
}

export function VersionCompare({ name, versions }: { name: string; versions: AppVersionSummary[] }) {
  const newest = versions.at(-1)!.version;
  const [from, setFrom] = useState(versions.length > 1 ? versions.at(-2)!.version : newest);
  const [to, setTo] = useState(newest);
  const a = useVersion(name, from);
  const b = useVersion(name, to);
  const diff = useDiff(name, from, to);
  const options = versions.map((v) => ({ value: String(v.version), label: `Version ${v.version}` }));

  if (versions.length < 2) {
    return (
      <Stack gap="xs">
        <Title order={3}>Compare versions</Title>
        <Text size="sm" c="dimmed">
          There is only one version so far; a comparison appears once the manifest is updated.
        </Text>
      </Stack>
    );
  }
  const entries = diff.data ? [...diff.data.removed, ...diff.data.changed, ...diff.data.added].sort((x, y) => x.path.localeCompare(y.path)) : [];
  return (
    <Stack gap="sm">
      <Title order={3}>Compare versions</Title>
      <Group gap="sm" wrap="wrap" align="flex-end">
        <NativeSelect label="From (left)" data={options} value={String(from)} onChange={(e) => setFrom(Number(e.currentTarget.value))} />
        <NativeSelect label="To (right)" data={options} value={String(to)} onChange={(e) => setTo(Number(e.currentTarget.value))} />
      </Group>
      {from === to ? (
        <Text size="sm" c="dimmed">
          Choose two different versions to see what changed.
        </Text>
      ) : diff.isPending ? (
        <Loading what="the differences" />
      ) : diff.isError ? (
        <ProblemAlert error={diff.error} title="The differences could not be loaded" onRetry={() => void diff.refetch()} />
      ) : entries.length === 0 ? (
        <Text size="sm">Versions {from} and {to} are the same manifest.</Text>
      ) : (
        <ChangeList entries={entries} />
      )}
      {from !== to ? (
        a.isError || b.isError ? (
          <ProblemAlert error={a.error ?? b.error} title="A version could not be loaded" onRetry={() => void (a.isError ? a.refetch() : b.refetch())} />
        ) : a.data && b.data ? (
          <ManifestMergeView left={toYaml(a.data.manifest)} right={toYaml(b.data.manifest)} leftLabel={`Manifest version ${from}`} rightLabel={`Manifest version ${to}`} />
        ) : (
          <Loading what="both versions" />
        )
      ) : null}
    </Stack>
  );
}
