/**
 * Scan text for sensitive data (`POST /api/v1/dlp/scan`): the text with each finding marked,
 * the findings in a table, and, for roles that may transform, what the text becomes masked,
 * replaced, hashed or tokenized. Findings are offsets; the page cuts the values out of the
 * person's own text and never sends the text anywhere but the scan and transform routes.
 */
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Button, Group, NumberInput, Stack, Switch, Text, Textarea, Title } from '@mantine/core';
import { post } from '../../api/client.ts';
import { Can } from '../../auth/session.tsx';
import { Empty, ProblemAlert } from '../../components/states.tsx';
import type { ScanResult } from './types.ts';
import { HighlightedText } from './highlighted-text.tsx';
import { FindingsTable } from './findings-table.tsx';
import { TransformPreview } from './transform-preview.tsx';

const example = 'Please refund Ana Ruiz (ana.ruiz@northwind-mail.com, +1 415 555 0134).\nCard 4539 1488 0343 6467, SSN 536-22-1234.';

export function ScanPanel() {
  const [text, setText] = useState('');
  const [minConfidence, setMinConfidence] = useState<number | string>(0.5);
  const [includeTestValues, setIncludeTestValues] = useState(false);
  const scan = useMutation({
    mutationFn: (body: { text: string; min_confidence?: number; include_test_values?: boolean }) => post<ScanResult>('/api/v1/dlp/scan', body).then((r) => ({ ...r, text: body.text })),
    gcTime: 0,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    scan.mutate({ text, ...(typeof minConfidence === 'number' ? { min_confidence: minConfidence } : {}), ...(includeTestValues ? { include_test_values: true } : {}) });
  };
  const result = scan.data;

  return (
    <Stack gap="md">
      <form onSubmit={submit} aria-label="Scan text">
        <Stack gap="sm">
          <Textarea label="Text to scan" description="Paste a message, a log line or a record. It is scanned on the server and not stored; the audit trail keeps only what was found, by type." autosize minRows={5} maxRows={16} value={text} onChange={(e) => setText(e.currentTarget.value)} required />
          <Group align="flex-end" gap="md" wrap="wrap">
            <NumberInput label="Lowest confidence" description="From 0 to 1" min={0} max={1} step={0.05} decimalScale={2} value={minConfidence} onChange={setMinConfidence} w={160} />
            <Switch label="Include documented test values" description="e.g. 4111 1111 1111 1111" checked={includeTestValues} onChange={(e) => setIncludeTestValues(e.currentTarget.checked)} />
          </Group>
          <Group gap="xs">
            <Button type="submit" loading={scan.isPending} disabled={text.length === 0}>
              Scan
            </Button>
            <Button variant="subtle" onClick={() => setText(example)}>
              Use an example
            </Button>
          </Group>
        </Stack>
      </form>
      {scan.isError ? <ProblemAlert error={scan.error} title="The scan failed" /> : null}
      {result ? (
        <Stack gap="md" aria-live="polite">
          <Title order={3} size="h4">
            Findings
          </Title>
          <Text size="sm" data-testid="scan-summary">
            {result.count === 0 ? 'Nothing sensitive found.' : `${result.count} finding${result.count === 1 ? '' : 's'}.`}
            {result.test_values_suppressed > 0 ? ` ${result.test_values_suppressed} documented test value${result.test_values_suppressed === 1 ? ' was' : 's were'} left out (switch on “Include documented test values” to see them).` : ''}
          </Text>
          {result.count === 0 ? (
            <Empty title="No findings">Lower the confidence, or add a custom detector for data the built-in ones do not know.</Empty>
          ) : (
            <>
              <HighlightedText text={result.text} spans={result.findings} label="The scanned text with its findings marked" scrollable />
              <FindingsTable text={result.text} findings={result.findings} />
            </>
          )}
          <Can permission="dlp:transform">
            <TransformPreview key={result.text} text={result.text} />
          </Can>
        </Stack>
      ) : null}
    </Stack>
  );
}
