/**
 * A bundle's test run, one row per `test_` rule: passed, failed (false or undefined) or errored
 * (with the engine's reason), and where the test is written. The result is a word, not only a
 * colour.
 */
import { Alert, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { TestResult } from './types.ts';
import { ScrollBox } from '../../components/scroll-box.tsx';

const statusColor: Record<TestResult['status'], string> = { pass: 'teal', fail: 'red', error: 'orange' };
const statusLabel: Record<TestResult['status'], string> = { pass: 'passed', fail: 'failed', error: 'error' };

export interface TestSummary {
  /** What was tested, in words ("the draft", "version 7"). */
  subject: string;
  results: TestResult[];
  budgetExceeded?: string | undefined;
}

export function TestResults({ run, onOpenFile }: { run: TestSummary; onOpenFile?: (path: string, line: number) => void }) {
  const passed = run.results.filter((r) => r.status === 'pass').length;
  const bad = run.results.length - passed;
  return (
    <Stack gap="xs">
      <Title order={4}>Tests of {run.subject}</Title>
      <Text size="sm" role="status">
        {run.results.length === 0 ? 'This bundle has no tests (rules named test_… in *_test.rego files).' : bad === 0 ? `All ${passed} tests passed.` : `${bad} of ${run.results.length} tests did not pass; ${passed} passed.`}
      </Text>
      {run.budgetExceeded ? (
        <Alert color="orange" title="Not every test ran">
          {run.budgetExceeded}. Make the slow tests cheaper, or split them into smaller ones.
        </Alert>
      ) : null}
      {run.results.length > 0 ? (
        <ScrollBox label={`Test results of ${run.subject}, scrollable`}>
          <Table withTableBorder striped aria-label={`Test results of ${run.subject}`} miw={640}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Test</Table.Th>
                <Table.Th>Result</Table.Th>
                <Table.Th>Where</Table.Th>
                <Table.Th>Time</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {run.results.map((r) => (
                <Table.Tr key={r.name}>
                  <Table.Td>
                    <Text ff="monospace" size="sm">
                      {r.name.replace(/^data\./, '')}
                    </Text>
                    {r.error ? (
                      <Text size="xs" c="red">
                        {r.error}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={statusColor[r.status]}>
                      {statusLabel[r.status]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {onOpenFile && r.file ? (
                      <Group gap={0}>
                        <Button variant="subtle" size="compact-sm" onClick={() => onOpenFile(r.file, r.line)} aria-label={`Open ${r.file} at line ${r.line}`}>
                          {r.file}:{r.line}
                        </Button>
                      </Group>
                    ) : (
                      <Text size="sm" ff="monospace">
                        {r.file}:{r.line}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{r.duration_ms.toFixed(1)} ms</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollBox>
      ) : null}
    </Stack>
  );
}
