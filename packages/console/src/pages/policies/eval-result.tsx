/**
 * What the playground's evaluation gave: the decision in words (allow or deny), its deny and
 * warn messages, an evaluation error if there was one, the rule definitions that produced the
 * result (file, line, what each gave on its own), and the whole result document as JSON.
 */
import { Alert, Badge, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { CodeEditor } from '../../components/editor/code-editor.tsx';
import type { EvalResult } from './types.ts';
import { ScrollBox } from '../../components/scroll-box.tsx';

function MessageList({ title, items, empty }: { title: string; items: string[]; empty: string }) {
  return (
    <Stack gap={4}>
      <Title order={5}>{title}</Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <List size="sm" spacing={2}>
          {items.map((m) => (
            <List.Item key={m}>{m}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

const json = (v: unknown) => JSON.stringify(v, null, 2) ?? 'undefined';

export function EvalResultView({ result, multipleInputs }: { result: EvalResult; multipleInputs: boolean }) {
  const d = result.decision;
  return (
    <Stack gap="md" aria-live="polite">
      <Title order={4}>Result</Title>
      {d ? (
        <Group gap="sm">
          <Badge size="lg" color={d.allow ? 'teal' : 'red'} variant="filled">
            {d.result === 'allow' ? 'allow' : 'deny'}
          </Badge>
          <Text size="sm">
            Decision at data.trellis.{d.point} under {result.bundle.version !== null ? `version ${result.bundle.version}` : 'the draft'}, in {d.duration_ms.toFixed(2)} ms
          </Text>
        </Group>
      ) : (
        <Text size="sm">{result.defined ? 'The query is defined.' : 'The query is undefined for this input.'}</Text>
      )}
      {result.error ? (
        <Alert color="red" title={`Evaluation failed (${result.error.code})`}>
          {result.error.message} A failed evaluation denies (decisions fail closed); correct the rule named above, then evaluate again.
        </Alert>
      ) : null}
      {d ? (
        <Group align="flex-start" grow wrap="wrap" gap="lg">
          <MessageList title="Deny messages" items={d.deny} empty="None." />
          <MessageList title="Warnings" items={d.warn} empty="None." />
        </Group>
      ) : null}
      <Stack gap={4}>
        <Title order={5}>Rules that fired</Title>
        {result.rules.length === 0 ? (
          <Text size="sm" c="dimmed">
            No deny, warn or allow definition produced a value for this input.
          </Text>
        ) : (
          <ScrollBox label="Rules that fired, scrollable">
            <Table withTableBorder striped aria-label="Rules that fired" miw={560}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th>Where</Table.Th>
                  {multipleInputs ? <Table.Th>Input</Table.Th> : null}
                  <Table.Th>What it gave</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.rules.map((r, i) => (
                  <Table.Tr key={i}>
                    <Table.Td ff="monospace">
                      {r.default ? 'default ' : ''}
                      {r.rule}
                    </Table.Td>
                    <Table.Td ff="monospace">
                      {r.file}:{r.line}
                    </Table.Td>
                    {multipleInputs ? <Table.Td>{r.input_index !== undefined ? `#${r.input_index + 1}` : '—'}</Table.Td> : null}
                    <Table.Td>
                      {r.error ? (
                        <Text size="sm" c="red">
                          error: {r.error}
                        </Text>
                      ) : (
                        <Text size="sm" ff="monospace" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                          {Array.isArray(r.value) ? r.value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n') : JSON.stringify(r.value)}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollBox>
        )}
      </Stack>
      <Stack gap={4}>
        <Title order={5}>Result document</Title>
        <CodeEditor value={json(result.result)} language="json" label="Result document (read only)" readOnly minHeight={80} maxHeight={360} />
      </Stack>
    </Stack>
  );
}
