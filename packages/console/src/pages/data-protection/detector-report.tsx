/**
 * A detector's sample test: pass or fail in words, then each sample with what the detector
 * marked in it, so the author sees a missed positive or a matched negative in place.
 */
import { Alert, Badge, Group, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconCircleX } from '@tabler/icons-react';
import type { SampleResult, TestReport } from './types.ts';
import { HighlightedText } from './highlighted-text.tsx';

function SampleRow({ kind, sample, result, entity }: { kind: 'positive' | 'negative'; sample: string | undefined; result: SampleResult; entity: string }) {
  const good = kind === 'positive' ? result.matched : !result.matched;
  const verdict = kind === 'positive' ? (result.matched ? 'matched, as it should' : 'not matched: the detector misses it') : result.matched ? 'matched: the detector would flag it wrongly' : 'not matched, as it should';
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Badge color={good ? 'teal' : 'red'} variant="light" leftSection={good ? <IconCircleCheck size={12} /> : <IconCircleX size={12} />}>
          {good ? 'pass' : 'fail'}
        </Badge>
        <Text size="sm">
          {kind === 'positive' ? 'Positive' : 'Negative'} sample {result.index + 1}: {verdict}
        </Text>
      </Group>
      {sample !== undefined ? <HighlightedText text={sample} spans={result.spans.map((s) => ({ ...s, entity }))} label={`${kind} sample ${result.index + 1}`} /> : null}
    </Stack>
  );
}

export function DetectorReport({ report, samples, entity }: { report: TestReport; samples?: { positive: string[]; negative: string[] } | undefined; entity: string }) {
  const total = report.positives.length + report.negatives.length;
  return (
    <Stack gap="sm" aria-live="polite" data-testid="detector-report">
      <Alert color={report.ok ? 'teal' : 'red'} title={report.ok ? 'Every sample passes' : 'Some samples fail'} role="status">
        <Text size="sm">
          {total === 0
            ? 'There are no samples. Add at least one positive sample: a detector cannot be activated without one.'
            : `${report.positives.length} positive and ${report.negatives.length} negative sample${report.negatives.length === 1 ? '' : 's'}; ${report.missed.length} missed, ${report.falseMatches.length} matched wrongly.`}
          {report.ok && report.positives.length === 0 ? ' Add at least one positive sample before activating it.' : ''}
        </Text>
      </Alert>
      {report.positives.map((r) => (
        <SampleRow key={`p${r.index}`} kind="positive" sample={samples?.positive[r.index]} result={r} entity={entity} />
      ))}
      {report.negatives.map((r) => (
        <SampleRow key={`n${r.index}`} kind="negative" sample={samples?.negative[r.index]} result={r} entity={entity} />
      ))}
    </Stack>
  );
}
