/**
 * What changed between two versions, file by file, as the server's unified diffs: added lines
 * keep their leading + and removed ones their -, so the change reads without its colour.
 */
import { Badge, Box, Group, Stack, Text, Title } from '@mantine/core';
import { Empty, Loading, ProblemAlert } from '../../components/states.tsx';
import { useBundleDiff } from './queries.ts';
import type { FileDiff } from './types.ts';
import { ScrollBox } from '../../components/scroll-box.tsx';

const statusColor: Record<FileDiff['status'], string> = { added: 'teal', removed: 'red', changed: 'blue' };

function lineStyle(line: string): { color?: string; background?: string } {
  if (line.startsWith('+++') || line.startsWith('---')) return { color: 'var(--mantine-color-dimmed)' };
  if (line.startsWith('+')) return { background: 'var(--mantine-color-teal-light)' };
  if (line.startsWith('-')) return { background: 'var(--mantine-color-red-light)' };
  if (line.startsWith('@@')) return { color: 'var(--mantine-color-blue-text)' };
  return {};
}

function FileDiffBlock({ file }: { file: FileDiff }) {
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Text ff="monospace" size="sm" fw={600}>
          {file.path}
        </Text>
        <Badge size="sm" variant="light" color={statusColor[file.status]}>
          {file.status}
        </Badge>
      </Group>
      <ScrollBox label={`Changes to ${file.path}`}>
        <Box component="pre" m={0} p="xs" fz="xs" ff="monospace" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-sm)' }}>
          {file.diff.split('\n').map((line, i) => (
            <Box component="span" key={i} display="block" style={lineStyle(line)}>
              {line || ' '}
            </Box>
          ))}
        </Box>
      </ScrollBox>
    </Stack>
  );
}

export function DiffView({ version, against }: { version: number; against: number }) {
  const diff = useBundleDiff(version, against);
  return (
    <Stack gap="sm">
      <Title order={4}>
        Changes from version {against} (in force) to version {version}
      </Title>
      {diff.isPending ? <Loading what="the differences" /> : null}
      {diff.isError ? <ProblemAlert error={diff.error} title="The differences could not be computed" onRetry={() => void diff.refetch()} /> : null}
      {diff.data ? (
        <>
          {diff.data.rego_version ? (
            <Text size="sm">
              Rego syntax changes from {diff.data.rego_version.from} to {diff.data.rego_version.to}.
            </Text>
          ) : null}
          {diff.data.files.length === 0 ? <Empty title="No file differs">The two versions hold the same modules and data.</Empty> : diff.data.files.map((f) => <FileDiffBlock key={`${f.kind}:${f.path}`} file={f} />)}
        </>
      ) : null}
    </Stack>
  );
}
